// The record matrix at 1280x720 (see matrix.hpp).
#include "record/matrix.hpp"

TEST_CASE("every scenario records at 1280x720, alone and compared, presenter or not, without a crash") {
  loopscope::rec::test::record_matrix("1280x720");
}
