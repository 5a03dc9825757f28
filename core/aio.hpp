// Everything a scenario's coroutines use: the C++ spelling of `import asyncio`.
#pragma once

#include "coro.hpp"
#include "future.hpp"
#include "gather.hpp"
#include "loop.hpp"
#include "print.hpp"
#include "sleep.hpp"
#include "task.hpp"
#include "task_group.hpp"
#include "trace.hpp"
#include "value.hpp"
