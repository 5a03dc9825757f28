// HTTP/1.x messages parsed with http-parser (Debian's libhttp-parser), for the
// scenarios that speak HTTP on loopback: web-scraper and the open server mode.
#pragma once

#include <http_parser.h>

#include <string>

namespace loopscope {

struct HttpMessage {
  std::string method, url, reason;  // method and url: requests; reason: responses
  unsigned status = 0, major = 0, minor = 0;
  size_t body = 0;                  // bytes of body seen
  bool head_complete = false;       // the end of the headers was seen
  std::string error;                // http-parser's description when malformed, else ""
};

// Parses a request head or a whole response (read to EOF: the end of `data`
// ends the message). Never throws: a malformed message sets `error`.
HttpMessage parse_http(const std::string& data, http_parser_type type);

}  // namespace loopscope
