#include "file_read.hpp"
#include "thread_pool.hpp"

#include <fcntl.h>

#include "os_error.hpp"

namespace loopscope {

FileRead::FileRead(Loop& loop, std::string path)
    : Future(loop, "file read"), path_(std::move(path)), op_(loop.next_op_id()),
      task_(current_task() ? current_task()->id() : -1) {
  req_.data = this;
}

void FileRead::start() {
  Loop& l = loop();
  Event e = l.event(Ev::io_wait);
  e.id = op_;
  e.task = task_;
  e.code = uint8_t(IoKind::fs);
  e.s1 = l.intern(path_);
  l.emit(e);
  if (!thread_pool_unavailable().empty()) {  // libuv's fs requests run on its pool
    err_ = UV_EAGAIN;
    finish(UV_EAGAIN);
    return;
  }
  if (int rc = uv_fs_open(l.uv(), &req_, path_.c_str(), O_RDONLY, 0, &FileRead::on_open); rc < 0) {
    uv_fs_req_cleanup(&req_);
    err_ = rc;
    finish(rc);
  }
}

void FileRead::on_open(uv_fs_t* req) {
  auto* f = static_cast<FileRead*>(req->data);
  ssize_t r = req->result;
  uv_fs_req_cleanup(req);
  if (r < 0) {
    f->err_ = int(r);
    f->finish(int(r));
    return;
  }
  f->fd_ = uv_file(r);
  f->read_next();
}

void FileRead::read_next() {
  uv_buf_t b = uv_buf_init(chunk_, sizeof chunk_);
  if (int rc = uv_fs_read(loop().uv(), &req_, fd_, &b, 1, int64_t(data_.size()), &FileRead::on_read); rc < 0) {
    uv_fs_req_cleanup(&req_);
    err_ = rc;
    uv_fs_close(loop().uv(), &req_, fd_, &FileRead::on_close);
  }
}

void FileRead::on_read(uv_fs_t* req) {
  auto* f = static_cast<FileRead*>(req->data);
  ssize_t n = req->result;
  uv_fs_req_cleanup(req);
  if (n > 0) {
    f->data_.append(f->chunk_, size_t(n));
    f->read_next();
    return;
  }
  if (n < 0) f->err_ = int(n);
  uv_fs_close(f->loop().uv(), &f->req_, f->fd_, &FileRead::on_close);
}

void FileRead::on_close(uv_fs_t* req) {
  auto* f = static_cast<FileRead*>(req->data);
  uv_fs_req_cleanup(req);
  f->finish(f->err_);
}

// The last libuv callback: trace io.done and queue the future's completion.
void FileRead::finish(int err) {
  Loop& l = loop();
  Event e = l.event(Ev::io_done);
  e.id = op_;
  e.task = task_;
  e.code = uint8_t(IoKind::fs);
  e.s1 = err ? uv_err_name(err) : "ok";
  e.num = int64_t(data_.size());
  l.emit(e);
  ReadyHandle h;
  h.fn = &FileRead::deliver_cb;
  h.a = this;
  h.task = task_;
  h.label = "file read: set_result";
  h.what = HandleFn::pool_done;  // aiofiles: the executor's result brought back to the loop
  l.queue_io(h, Cause::io);
}

void FileRead::deliver_cb(void* self, void*) {
  auto* f = static_cast<FileRead*>(self);
  if (f->done()) return;  // the awaiting task was cancelled
  if (f->err_) f->set_exception(os_error(f->err_, "'" + f->path_ + "'"));
  else f->set_result(std::move(f->data_));
}

FileRead& read_file(std::string path) {
  FileRead* f = running_loop().make<FileRead>(std::move(path));
  f->start();
  return *f;
}

}  // namespace loopscope
