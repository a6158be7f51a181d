#include "storage/go_quote.hpp"

#include <cstdint>
#include <cstdio>

namespace orc::storage {

namespace {

/// Decodes one UTF-8 sequence at `i`; returns its length (0 when invalid) and the rune.
std::size_t decode_utf8(std::string_view s, std::size_t i, uint32_t& rune) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  std::size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  rune = c & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    rune = (rune << 6) | (byte(i + k) & 0x3F);
  }
  bool overlong = (len == 3 && rune < 0x800) || (len == 4 && rune < 0x10000);
  bool surrogate = rune >= 0xD800 && rune <= 0xDFFF;
  if (overlong || surrogate || rune > 0x10FFFF) return 0;
  return len;
}

void append_hex(std::string& out, const char* fmt, unsigned value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, fmt, value);
  out += buf;
}

}  // namespace

std::string go_quote_ascii(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      uint32_t rune = 0;
      std::size_t len = decode_utf8(text, i, rune);
      if (len == 0) {
        append_hex(out, "\\x%02x", c);
        ++i;
      } else {
        append_hex(out, rune > 0xFFFF ? "\\U%08x" : "\\u%04x", rune);
        i += len;
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (c < 0x20 || c == 0x7f)
          append_hex(out, "\\x%02x", c);
        else
          out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

namespace {

void append_utf8(std::string& out, uint32_t rune) {
  if (rune < 0x80) {
    out.push_back(static_cast<char>(rune));
  } else if (rune < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (rune >> 6)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else if (rune < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (rune >> 12)));
    out.push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (rune >> 18)));
    out.push_back(static_cast<char>(0x80 | ((rune >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  }
}

/// Parses `digits` hex digits at `i`; false when they are not all hex.
bool parse_hex(std::string_view s, std::size_t i, std::size_t digits, uint32_t& value) {
  if (i + digits > s.size()) return false;
  value = 0;
  for (std::size_t k = 0; k < digits; ++k) {
    char h = s[i + k];
    int d = h >= '0' && h <= '9'   ? h - '0'
            : h >= 'a' && h <= 'f' ? h - 'a' + 10
            : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                   : -1;
    if (d < 0) return false;
    value = value * 16 + static_cast<uint32_t>(d);
  }
  return true;
}

}  // namespace

std::string go_unquote(std::string_view text) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return std::string(text);
  std::string_view body = text.substr(1, text.size() - 2);
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out.push_back(c);
      continue;
    }
    char e = body[++i];
    uint32_t v = 0;
    switch (e) {
      case 'a':
        out.push_back('\a');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case 'x':
        if (parse_hex(body, i + 1, 2, v)) {
          out.push_back(static_cast<char>(v));
          i += 2;
        } else {
          out += "\\x";
        }
        break;
      case 'u':
      case 'U': {
        std::size_t digits = e == 'u' ? 4 : 8;
        if (parse_hex(body, i + 1, digits, v)) {
          append_utf8(out, v);
          i += digits;
        } else {
          out.push_back('\\');
          out.push_back(e);
        }
        break;
      }
      default:
        out.push_back(e);
    }
  }
  return out;
}

}  // namespace orc::storage
