# Shared compile options and helpers. Flags go on targets, never on the
# global CMAKE_CXX_FLAGS.

add_library(vigie_options INTERFACE)
target_compile_options(vigie_options INTERFACE -Wall -Wextra -Wno-unused-parameter)
if(VIGIE_SANITIZE)
  target_compile_options(vigie_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                 -fno-sanitize-recover=undefined)
  target_link_options(vigie_options INTERFACE -fsanitize=address,undefined)
endif()
if(VIGIE_TSAN)
  target_compile_options(vigie_options INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(vigie_options INTERFACE -fsanitize=thread)
endif()
if(VIGIE_FUZZ)
  target_compile_options(vigie_options INTERFACE -fsanitize=fuzzer-no-link)
endif()

# Every test of a sanitizer build also carries this label, so a CI log shows
# which runs were under a sanitizer (`ctest -L sanitizers`).
set(VIGIE_BUILD_LABELS "")
if(VIGIE_SANITIZE OR VIGIE_TSAN)
  set(VIGIE_BUILD_LABELS "sanitizers")
endif()

# vigie_add_library(MODULE SOURCES ... [DEPS module...] [LIBS ...] [EMBED name=path...])
#
# One library per directory of src/, named vigie_<module> ("format/dex"
# becomes vigie_format_dex). DEPS are the Vigie modules whose headers the
# module includes; they are recorded, and tests/layout checks that no file
# includes across any other edge. EMBED turns data files into a generated
# header, embedded_<module>.h (text as std::string_view, *.bin as bytes).
function(vigie_add_library MODULE)
  cmake_parse_arguments(L "" "" "SOURCES;DEPS;LIBS;EMBED" ${ARGN})
  string(REPLACE "/" "_" target "vigie_${MODULE}")
  set(embed_sources "")
  if(L_EMBED)
    string(REPLACE "/" "_" header "embedded_${MODULE}")
    set(out ${CMAKE_CURRENT_BINARY_DIR}/generated)
    set(files "")
    foreach(pair IN LISTS L_EMBED)
      string(REGEX REPLACE "^[^=]*=" "" path "${pair}")
      list(APPEND files ${path})
    endforeach()
    # The script takes '|'-separated pairs: a ';' would split the command line.
    string(REPLACE ";" "|" inputs "${L_EMBED}")
    add_custom_command(
      OUTPUT ${out}/${header}.cc ${out}/${header}.h
      COMMAND ${CMAKE_COMMAND} "-DOUT_DIR=${out}" "-DNAME=${header}" "-DINPUTS=${inputs}"
              -P ${PROJECT_SOURCE_DIR}/cmake/EmbedData.cmake
      VERBATIM
      DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/EmbedData.cmake
      COMMENT "Embedding data for ${MODULE}")
    set(embed_sources ${out}/${header}.cc)
  endif()
  add_library(${target} STATIC ${L_SOURCES} ${embed_sources})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  if(L_EMBED)
    target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
  endif()
  set(deps "")
  foreach(dep IN LISTS L_DEPS)
    string(REPLACE "/" "_" dep_target "vigie_${dep}")
    list(APPEND deps ${dep_target})
  endforeach()
  target_link_libraries(${target} PUBLIC vigie_options ${deps} PRIVATE ${L_LIBS})
  string(JOIN "," deps_csv ${L_DEPS})
  set_property(GLOBAL APPEND PROPERTY VIGIE_LAYOUT "${MODULE}:${deps_csv}")
endfunction()

# vigie_declare_layout(DIR DEPS module...): the modules a program in DIR
# (apps/cli, tools/kbc) includes, for the layout test.
function(vigie_declare_layout DIR)
  cmake_parse_arguments(L "" "" "DEPS" ${ARGN})
  string(JOIN "," deps_csv ${L_DEPS})
  set_property(GLOBAL APPEND PROPERTY VIGIE_LAYOUT "${DIR}:${deps_csv}")
endfunction()

# Writes build/<preset>/layout.txt: one "module:dep,dep" line per library,
# for the layout test.
function(vigie_write_layout)
  get_property(layout GLOBAL PROPERTY VIGIE_LAYOUT)
  string(JOIN "\n" text ${layout})
  file(WRITE ${CMAKE_BINARY_DIR}/layout.txt "${text}\n")
endfunction()

# vigie_add_test(NAME name SOURCES ... LABELS ... [LIBS ...])
# Builds one GoogleTest binary and registers its tests with ctest, labelled.
function(vigie_add_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LABELS;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE vigie_pipeline vigie_report vigie_options GTest::gtest GTest::gtest_main
                                          ${T_LIBS})
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  gtest_discover_tests(${T_NAME}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES LABELS "${T_LABELS}" ENVIRONMENT "VIGIE_BUILD_DIR=${CMAKE_BINARY_DIR}"
               FIXTURES_REQUIRED apk_fixtures
    DISCOVERY_TIMEOUT 60)
  # gtest_discover_tests cannot pass a list-valued LABELS property, so the
  # full label list is set by a second include file, run after discovery,
  # over the test names it recorded in ${NAME}_TESTS.
  if(VIGIE_BUILD_LABELS)
    set(extra "${CMAKE_CURRENT_BINARY_DIR}/${T_NAME}_labels.cmake")
    string(JOIN ";" all_labels ${T_LABELS} ${VIGIE_BUILD_LABELS})
    file(WRITE "${extra}"
      "foreach(t IN LISTS ${T_NAME}_TESTS)\n"
      "  set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${all_labels}\")\n"
      "endforeach()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${extra}")
  endif()
endfunction()
