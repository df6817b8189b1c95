# What `cmake --install` installs (directories: cmake/install_dirs.cmake).
# VFL_LUAROCKS builds and installs only the Lua module and its Lua files.
set(_vfl_lua_files_dir ${PROJECT_SOURCE_DIR}/lua/vfl)

if(TARGET vfl_module)
  install(TARGETS vfl_module LIBRARY DESTINATION ${VFL_INSTALL_LUA_CMOD_DIR})
endif()
install(DIRECTORY ${_vfl_lua_files_dir} DESTINATION ${VFL_INSTALL_LUA_DIR}
  FILES_MATCHING PATTERN "*.lua")
if(VFL_LUAROCKS)
  return()
endif()

if(TARGET vfl_jit)
  install(TARGETS vfl_jit LIBRARY DESTINATION ${VFL_INSTALL_LUAJIT_CMOD_DIR})
  if(VFL_INSTALL_LUAJIT_DIR) # plain Lua, also valid LuaJIT: a copy where luajit looks
    install(DIRECTORY ${_vfl_lua_files_dir} DESTINATION ${VFL_INSTALL_LUAJIT_DIR}
      FILES_MATCHING PATTERN "*.lua")
  endif()
endif()
if(TARGET vfl)
  install(TARGETS vfl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(FILES ${PROJECT_SOURCE_DIR}/docs/vfl.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

# The C library: libvfl.so.<version> with its SONAME link, libvfl.a, vfl.h,
# and a pkg-config file that finds them relative to itself (${pcfiledir}), so
# the tree stays usable wherever it is moved.
install(TARGETS vflshared vflcore
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${PROJECT_SOURCE_DIR}/src/include/vfl.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
vfl_install_relative(VFL_PC_TO_PREFIX "${CMAKE_INSTALL_LIBDIR}/pkgconfig" "")
string(REGEX REPLACE "/$" "" VFL_PC_TO_PREFIX "${VFL_PC_TO_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/vfl.pc.in ${PROJECT_BINARY_DIR}/vfl.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/vfl.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
  PATTERN "vfl.1" EXCLUDE)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples DESTINATION ${CMAKE_INSTALL_DOCDIR})
