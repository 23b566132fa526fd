/* stub: being written */
#include "cgroup/systemd.h"
