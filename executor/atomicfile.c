/* atomicfile: temp -> fsync -> rename -> fsync dir, as Redis and git write files that matter. */
#include "atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int dir_of(const char *path, strbuf *dir)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		strbuf_addch(dir, '.');
	else if (slash == path)
		strbuf_addch(dir, '/');
	else
		strbuf_add(dir, path, (size_t)(slash - path));
	return 0;
}

int kdx_atomic_write(const char *path, const void *data, size_t len, mode_t mode, strbuf *err)
{
	strbuf tmp = STRBUF_INIT, dir = STRBUF_INIT;
	int fd = -1, rc = -1;
	const char *what = "create";
	strbuf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	dir_of(path, &dir);
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		goto out;
	what = "write";
	for (const char *p = data; len;) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto out;
		p += w;
		len -= (size_t)w;
	}
	what = "sync";
	if (fsync(fd) < 0)
		goto out;
	what = "close";
	if (close(fd) < 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	what = "rename";
	if (rename(tmp.buf, path) < 0)
		goto out;
	what = "sync the directory of";
	int dfd = open(dir.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0) {
		if (dfd >= 0)
			close(dfd);
		/* the rename happened; only its durability is in doubt */
		strbuf_addf(err, "cannot %s '%s': %s", what, path, strerror(errno));
		goto done;
	}
	close(dfd);
	rc = 0;
	goto done;
out:
	strbuf_addf(err, "cannot %s '%s': %s", what, fd >= 0 || strcmp(what, "create") ? path : tmp.buf,
		    strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp.buf);
done:
	strbuf_release(&tmp);
	strbuf_release(&dir);
	return rc;
}
