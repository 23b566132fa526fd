/* stub: being written */
#include "util/template.h"
