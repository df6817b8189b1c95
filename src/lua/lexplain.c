/* placeholder */
#include "lvfl.h"
void lvfl_open_explain(lua_State *L) { (void)L; }
