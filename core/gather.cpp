#include "gather.hpp"

#include <map>

namespace loopscope {

GatheringFuture::GatheringFuture(Loop& loop, std::vector<Future*> children, bool return_exceptions)
    : Future(loop, "gather"), children_(std::move(children)), return_exceptions_(return_exceptions) {}

bool GatheringFuture::cancel(std::string msg) {
  if (done()) return false;
  bool ret = false;
  for (Future* c : children_)
    if (c->cancel(msg)) ret = true;
  if (ret) cancel_requested_ = true;  // the outer future is cancelled once every child is done
  return ret;
}

// gather's _done_callback, run through call_soon when a child finishes.
void GatheringFuture::on_child_done(void* self, void* child) {
  auto* g = static_cast<GatheringFuture*>(self);
  auto* fut = static_cast<Future*>(child);
  ++g->nfinished_;
  if (g->done()) {
    if (!fut->cancelled()) fut->exception();  // mark the exception retrieved
    return;
  }
  if (!g->return_exceptions_) {
    if (fut->cancelled()) {
      g->set_exception(fut->make_cancelled_error());
      return;
    }
    if (auto exc = fut->exception()) {
      g->set_exception(exc);
      return;
    }
  }
  if (g->nfinished_ == g->nfuts_) {
    List results;
    for (Future* c : g->children_) {
      if (c->cancelled()) {
        results.emplace_back(c->make_cancelled_error());
      } else if (auto e = c->exception()) {
        results.emplace_back(e);
      } else {
        results.push_back(c->result());
      }
    }
    if (g->cancel_requested_) {
      g->set_exception(fut->make_cancelled_error());
    } else {
      g->set_result(Value(std::move(results)));
    }
  }
}

GatheringFuture& gather_list(std::vector<Awaitable> aws, bool return_exceptions) {
  Loop& loop = running_loop();
  auto* g = loop.make<GatheringFuture>(std::vector<Future*>{}, return_exceptions);
  static const char* kLabel = "gather: _done_callback";
  // As CPython: each new child gets its done-callback as soon as it exists, so
  // an argument that is already done queues its callback between the first
  // steps of the tasks created before and after it.
  std::map<Future*, bool> seen;
  for (auto& a : aws) {
    Future* f = nullptr;
    if (auto* c = std::get_if<Coroutine>(&a)) {
      f = &create_task(std::move(*c));
    } else {
      f = std::get<Future*>(a);
    }
    if (!seen[f]) {
      seen[f] = true;
      ++g->nfuts_;
      f->add_done_callback(&GatheringFuture::on_child_done, g, -1, kLabel, HandleFn::gather_done_callback);
    }
    g->children_.push_back(f);
  }
  if (g->nfuts_ == 0) g->set_result(Value(List{}));
  return *g;
}

}  // namespace loopscope
