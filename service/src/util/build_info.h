/*
 * build_info.h -- what was built: the release version (CMakeLists.txt project(), matching
 * CHANGELOG.md) and the git commit it was built from ("unknown" when neither git nor
 * -DIDEKOM_COMMIT said). CMake generates the definitions (build_info.c in the build folder).
 */
#ifndef IDEKOM_BUILD_INFO_H
#define IDEKOM_BUILD_INFO_H

extern const char build_version[];
extern const char build_commit[];

#endif
