// cam.h must compile as C++ (-std=c++11 -Wall -Wextra -Werror) with the
// implementation; this also checks a few calls link and run.
#define CAM_IMPLEMENTATION
#include "cam.h"
#include <cstdio>
#include <cstring>

int main()
{
    cam_net *net = NULL;
    cam_error err;
    cam_result r = cam_net_load_memory("x", 1, NULL, &net, &err);
    int ok = r == CAM_ERR_FORMAT && net == NULL && std::strstr(err.message, "onnx") != NULL;
    std::printf("%s cxx_compile_and_error_path%s%s\n", ok ? "ok" : "not ok", ok ? "" : ": ", ok ? "" : err.message);
    ok &= cam_net_supports_op("Conv") && !cam_net_supports_op("NoSuchOp");
    std::printf("%s cxx_supports_op\n", ok ? "ok" : "not ok");
    return ok ? 0 : 1;
}
