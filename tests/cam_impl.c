/* The one translation unit that compiles cam's implementation for the
   tool and the C tests. */
#define CAM_IMPLEMENTATION
#include "cam.h"
