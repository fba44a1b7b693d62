/* version: the one place the version string lives. */
#ifndef KDX_VERSION_H
#define KDX_VERSION_H
#define KDX_VERSION "0.1.0"
#endif
