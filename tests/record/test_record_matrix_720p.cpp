// The record matrix at 1280x720 (see matrix.hpp).
#include "record/matrix.hpp"

TEST_CASE("every scenario records a readable clip at 1280x720, alone and compared, presenter or not") {
  loopscope::rec::test::record_matrix(1280, 720);
}
