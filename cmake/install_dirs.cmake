# Where `cmake --install` puts each part, relative to the prefix. Under the
# prefix /usr on Debian, GNUInstallDirs makes the library directory
# lib/<multiarch>, so the modules land where Debian's lua5.4 and luajit look
# (lib/x86_64-linux-gnu/lua/5.4, .../lua/5.1); under any other prefix they go
# to lib/lua/5.4 and lib/lua/5.1, as luarocks lays out a tree. Each is a cache
# variable, so the rockspec can point them into a rock.
include(GNUInstallDirs)
set(VFL_INSTALL_LUA_CMOD_DIR "${CMAKE_INSTALL_LIBDIR}/lua/5.4" CACHE STRING
  "Install directory of the Lua 5.4 module vfl.so")
set(VFL_INSTALL_LUAJIT_CMOD_DIR "${CMAKE_INSTALL_LIBDIR}/lua/5.1" CACHE STRING
  "Install directory of the LuaJIT module vfl.so")
set(VFL_INSTALL_LUA_DIR "${CMAKE_INSTALL_DATADIR}/lua/5.4" CACHE STRING
  "Install directory of the Lua files (vfl/*.lua) for Lua 5.4 and the vfl program")
set(VFL_INSTALL_LUAJIT_DIR "${CMAKE_INSTALL_DATADIR}/lua/5.1" CACHE STRING
  "Install directory of the Lua files (vfl/*.lua) for LuaJIT (empty: not installed)")

# The relative path from directory `from` to `to`, both relative to the prefix
# (or absolute): the installed vfl program finds its Lua files this way. Two
# directories under the prefix stay relative to each other wherever the tree
# is installed or moved.
function(vfl_install_relative out from to)
  foreach(v from to)
    if(NOT IS_ABSOLUTE "${${v}}")
      set(${v} "${CMAKE_INSTALL_PREFIX}/${${v}}")
    endif()
  endforeach()
  file(RELATIVE_PATH rel "${from}" "${to}")
  set(${out} "${rel}" PARENT_SCOPE)
endfunction()
