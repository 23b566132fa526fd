/* stub: being written */
#include "container/log.h"
