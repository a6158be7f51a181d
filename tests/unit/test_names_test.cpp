// CTest runs each doctest case by name; a name with a ';' is split by CMake into several
// filters that match nothing, so the case silently runs no test. Keep such names out.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

TEST_CASE("no test case name holds a semicolon (CTest would run nothing for it)") {
  namespace fs = std::filesystem;
  const std::regex test_case(R"re(TEST_CASE\("([^"]*)"\))re");
  int cases = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(ORC_SOURCE_DIR) / "tests")) {
    if (entry.path().extension() != ".cpp") continue;
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      std::smatch m;
      if (!std::regex_search(line, m, test_case)) continue;
      ++cases;
      CHECK_MESSAGE(m[1].str().find(';') == std::string::npos, entry.path().filename().string()
                                                                   << ": " << m[1].str());
    }
  }
  CHECK(cases > 100);
}
