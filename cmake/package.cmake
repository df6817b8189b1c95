# The Debian package, vfl_<version>_<arch>.deb: `cpack -G DEB` in a build
# configured for it (scripts/package-deb: prefix /usr, so that the modules
# land where Debian's lua5.4 and luajit look, and no -march=native).
# Library dependencies (libc6, zlib1g, libreadline8) come from dpkg-shlibdeps.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME vfl)
set(CPACK_PACKAGE_VENDOR "vfl")
set(CPACK_PACKAGE_CONTACT "vfl maintainers <vfl@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "fast shallow neural networks on sparse data, from Lua")
set(CPACK_PACKAGE_DESCRIPTION
  "vfl trains shallow neural networks on sparse data (libsvm, CSV, Vowpal\n"
  "Wabbit files) from a C11 engine. The package holds the vfl program (a Lua 5.4\n"
  "interpreter with a REPL), the module for lua5.4 and luajit, and libvfl.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "lua5.4")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "luajit, pkg-config")
# libvfl.so.0 in the library directory: refresh the loader's cache.
file(WRITE ${PROJECT_BINARY_DIR}/debian/triggers "activate-noawait ldconfig\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/debian/triggers)
if(VFL_NATIVE)
  message(STATUS "package: VFL_NATIVE is on, a .deb from this build runs only on CPUs like this one "
                 "(scripts/package-deb turns it off)")
endif()
include(CPack)
