// The record matrix at 1920x1080 (see matrix.hpp).
#include "record/matrix.hpp"

TEST_CASE("every scenario records a readable clip at 1920x1080 in presenter mode, alone and compared") {
  loopscope::rec::test::record_matrix(1920, 1080, {true});
}
