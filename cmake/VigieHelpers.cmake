# Shared compile options and helpers. Flags go on targets, never on the
# global CMAKE_CXX_FLAGS.

add_library(vigie_options INTERFACE)
target_compile_options(vigie_options INTERFACE -Wall -Wextra -Wno-unused-parameter)
if(VIGIE_SANITIZE)
  target_compile_options(vigie_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                 -fno-sanitize-recover=undefined)
  target_link_options(vigie_options INTERFACE -fsanitize=address,undefined)
endif()
if(VIGIE_FUZZ)
  target_compile_options(vigie_options INTERFACE -fsanitize=fuzzer-no-link)
endif()

# Every test of a sanitizer build also carries this label, so a CI log shows
# which runs were under ASan and UBSan (`ctest -L sanitizers`).
set(VIGIE_BUILD_LABELS "")
if(VIGIE_SANITIZE)
  set(VIGIE_BUILD_LABELS "sanitizers")
endif()

# vigie_add_test(NAME name SOURCES ... LABELS ... [LIBS ...])
# Builds one GoogleTest binary and registers its tests with ctest, labelled.
function(vigie_add_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LABELS;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE vigie_core vigie_options GTest::gtest GTest::gtest_main ${T_LIBS})
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
