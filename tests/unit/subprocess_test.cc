// RunProgram (base/subprocess.h) and what vigie-hs-compile is sent and sends
// back (sig/hs_compile_protocol.h).
#include <gtest/gtest.h>

#include <string>

#include "vigie/base/subprocess.h"
#include "vigie/sig/hs_compile_protocol.h"

namespace vigie {
namespace {

TEST(RunProgram, GivesTheProgramItsInputAndTakesItsOutput) {
  // More than a socket buffer each way: cat writes while it still reads.
  std::string input(1 << 20, 'x');
  for (size_t i = 0; i < input.size(); i += 4099) input[i] = static_cast<char>('a' + i % 26);
  const ProgramRun run = RunProgram("/bin/cat", input, input.size());
  ASSERT_TRUE(run.ok) << run.failure;
  EXPECT_EQ(run.output, input);
}

TEST(RunProgram, SaysWhyItFailed) {
  const ProgramRun missing = RunProgram("/nonexistent/program", "x", 16);
  EXPECT_FALSE(missing.ok);
  EXPECT_NE(missing.failure.find("cannot run /nonexistent/program"), std::string::npos) << missing.failure;

  const ProgramRun failed = RunProgram("/bin/false", "", 16);
  EXPECT_FALSE(failed.ok);
  EXPECT_NE(failed.failure.find("exited with status 1"), std::string::npos) << failed.failure;

  // /bin/false ends without reading: what was sent is lost, and the status
  // is what the failure tells, not the broken connection.
  const ProgramRun unread = RunProgram("/bin/false", std::string(1 << 20, 'x'), 16);
  EXPECT_FALSE(unread.ok);
  EXPECT_NE(unread.failure.find("exited with status 1"), std::string::npos) << unread.failure;

  const ProgramRun too_much = RunProgram("/bin/cat", std::string(100, 'x'), 99);
  EXPECT_FALSE(too_much.ok);
  EXPECT_NE(too_much.failure.find("more than 99 bytes"), std::string::npos) << too_much.failure;
}

namespace protocol = sig::hs_protocol;

TEST(HsCompileProtocol, RequestsAndRepliesRoundTrip) {
  const std::vector<const char*> expressions = {"com/appsflyer", "", "a\nb\0c"};
  const std::vector<unsigned> flags = {1, 2, 3}, ids = {7, 8, 9};
  const auto patterns = protocol::DecodeRequest(protocol::EncodeRequest(expressions, flags, ids));
  ASSERT_TRUE(patterns);
  ASSERT_EQ(patterns->size(), 3u);
  EXPECT_EQ((*patterns)[0].expression, "com/appsflyer");
  EXPECT_EQ((*patterns)[1].expression, "");
  EXPECT_EQ((*patterns)[2].expression, "a\nb");  // A C string ends at its NUL.
  EXPECT_EQ((*patterns)[2].flags, 3u);
  EXPECT_EQ((*patterns)[2].id, 9u);

  protocol::Reply ok;
  ok.ok = true;
  ok.database = std::string("db\0bytes", 8);
  EXPECT_EQ(protocol::EncodeReply(ok).size(), protocol::kReplyFraming + ok.database.size());
  const auto back = protocol::DecodeReply(protocol::EncodeReply(ok));
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->ok);
  EXPECT_EQ(back->database, ok.database);

  protocol::Reply failed;
  failed.expression = 4;
  failed.message = "Missing close parenthesis";
  const auto why = protocol::DecodeReply(protocol::EncodeReply(failed));
  ASSERT_TRUE(why);
  EXPECT_FALSE(why->ok);
  EXPECT_EQ(why->expression, 4);
  EXPECT_EQ(why->message, failed.message);
}

TEST(HsCompileProtocol, RefusesWhatIsNotOneWholeMessage) {
  const std::string request = protocol::EncodeRequest({"abc", "de"}, {0, 0}, {0, 1});
  for (size_t cut = 0; cut < request.size(); ++cut)
    EXPECT_FALSE(protocol::DecodeRequest(std::string_view(request).substr(0, cut))) << cut;
  EXPECT_FALSE(protocol::DecodeRequest(request + "x"));
  // A count the bytes cannot hold is refused before anything is reserved.
  std::string huge = "VHSC";
  huge += std::string("\xff\xff\xff\x7f", 4);
  EXPECT_FALSE(protocol::DecodeRequest(huge));

  protocol::Reply ok;
  ok.ok = true;
  ok.database = "bytes";
  const std::string reply = protocol::EncodeReply(ok);
  for (size_t cut = 0; cut < reply.size(); ++cut)
    EXPECT_FALSE(protocol::DecodeReply(std::string_view(reply).substr(0, cut))) << cut;
  EXPECT_FALSE(protocol::DecodeReply(reply + "x"));
  std::string bad_status = reply;
  bad_status[4] = 2;
  EXPECT_FALSE(protocol::DecodeReply(bad_status));
}

}  // namespace
}  // namespace vigie
