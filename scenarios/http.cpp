#include "http.hpp"

namespace loopscope {

HttpMessage parse_http(const std::string& data, http_parser_type type) {
  HttpMessage m;
  http_parser_settings s;
  http_parser_settings_init(&s);
  s.on_url = [](http_parser* p, const char* at, size_t n) {
    static_cast<HttpMessage*>(p->data)->url.append(at, n);
    return 0;
  };
  s.on_status = [](http_parser* p, const char* at, size_t n) {
    static_cast<HttpMessage*>(p->data)->reason.append(at, n);
    return 0;
  };
  s.on_headers_complete = [](http_parser* p) {
    static_cast<HttpMessage*>(p->data)->head_complete = true;
    return 0;
  };
  s.on_body = [](http_parser* p, const char*, size_t n) {
    static_cast<HttpMessage*>(p->data)->body += n;
    return 0;
  };
  http_parser p;
  http_parser_init(&p, type);
  p.data = &m;
  http_parser_execute(&p, &s, data.data(), data.size());
  if (type == HTTP_RESPONSE && HTTP_PARSER_ERRNO(&p) == HPE_OK) http_parser_execute(&p, &s, nullptr, 0);  // EOF
  if (HTTP_PARSER_ERRNO(&p) != HPE_OK) m.error = http_errno_description(HTTP_PARSER_ERRNO(&p));
  if (type == HTTP_REQUEST) m.method = http_method_str(http_method(p.method));
  m.status = p.status_code;
  m.major = p.http_major;
  m.minor = p.http_minor;
  return m;
}

}  // namespace loopscope
