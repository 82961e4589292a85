using Microsoft.Win32.SafeHandles;

namespace PrivateFl.RestHost;

/// <summary>
/// Opens the data set <c>addr</c> names inside the data root. It opens first and then checks what was opened (its
/// real path inside the root, a regular file, one link, the size cap), so a link swapped between a check and the
/// open cannot lead out of the root; it never blocks on a FIFO or a device.
/// </summary>
internal static class DatasetPathResolver
{
    /// <summary>Checks the text of <c>addr</c> before anything is opened; null when it may name a file.</summary>
    public static string? CheckText(string? addr)
    {
        if (string.IsNullOrWhiteSpace(addr))
        {
            return "addr is required: the name of a CSV data set in the host's data folder.";
        }

        if (addr.Any(char.IsControl))
        {
            return "addr contains control characters (such as NUL), which are not allowed in a path.";
        }

        if (addr.Length > 1024)
        {
            return "addr is longer than 1,024 characters.";
        }

        if (addr.Contains("://", StringComparison.Ordinal) || addr.StartsWith("//", StringComparison.Ordinal) || addr.StartsWith(@"\\", StringComparison.Ordinal))
        {
            return "addr must name a file in the host's data folder; URLs are not fetched.";
        }

        return addr.Split('/', '\\').Any(segment => segment == "..")
            ? "addr must not contain '..': it is resolved inside the host's data folder only."
            : null;
    }

    /// <summary>Opens <paramref name="addr"/> for reading, or says why not (without echoing more than an excerpt of it).</summary>
    public static (SafeFileHandle? Handle, string? Error) Open(string dataRoot, string addr, long maxBytes)
    {
        string? textError = CheckText(addr);
        if (textError is not null)
        {
            return (null, textError);
        }

        string root = Path.GetFullPath(dataRoot);
        string candidate = Path.GetFullPath(Path.IsPathRooted(addr) ? addr : Path.Combine(root, addr));
        if (!candidate.StartsWith(WithSeparator(root), StringComparison.Ordinal))
        {
            return (null, "addr is outside the host's data folder.");
        }

        return OperatingSystem.IsLinux() ? OpenOnLinux(root, candidate, addr, maxBytes) : OpenPortable(root, candidate, addr, maxBytes);
    }

    private static (SafeFileHandle? Handle, string? Error) OpenOnLinux(string root, string candidate, string addr, long maxBytes)
    {
        // The root's own real path, through the same kernel view, so a data root that is itself a link works.
        (SafeFileHandle? rootHandle, int rootErrno) = LinuxFiles.OpenForReading(root);
        string? realRoot;
        using (rootHandle)
        {
            realRoot = rootHandle is null ? null : LinuxFiles.RealPath(rootHandle);
        }

        if (realRoot is null)
        {
            return (null, $"The host's data folder cannot be opened (errno {rootErrno}).");
        }

        (SafeFileHandle? handle, int errno) = LinuxFiles.OpenForReading(candidate);
        if (handle is null)
        {
            return (null, errno switch
            {
                LinuxFiles.ENOENT or LinuxFiles.ENOTDIR => $"addr '{Excerpt.Of(addr)}' does not exist in the host's data folder.",
                LinuxFiles.ELOOP => "addr is a loop of symbolic links.",
                LinuxFiles.EACCES => "addr cannot be read: permission denied.",
                LinuxFiles.ENAMETOOLONG => "addr is too long for a path.",
                _ => $"addr cannot be opened (errno {errno}).",
            });
        }

        try
        {
            (uint type, uint links, long size) = LinuxFiles.Status(handle);
            string? problem = type switch
            {
                LinuxFiles.TypeRegular => null,
                LinuxFiles.TypeDirectory => "addr is a folder, not a file.",
                LinuxFiles.TypeFifo => "addr is a FIFO (named pipe), not a regular file; it is not read.",
                LinuxFiles.TypeCharacterDevice or LinuxFiles.TypeBlockDevice => "addr is a device, not a regular file; it is not read.",
                LinuxFiles.TypeSocket => "addr is a socket, not a regular file; it is not read.",
                _ => "addr is not a regular file.",
            };
            string? real = problem is null ? LinuxFiles.RealPath(handle) : null;
            problem ??= real is null || !real.StartsWith(WithSeparator(realRoot), StringComparison.Ordinal)
                ? "addr is a link that leads outside the host's data folder."
                : links != 1
                    ? $"addr has {links} hard links; a data set must have exactly one, so that no link can lead to a file outside the data folder."
                    : size > maxBytes
                        ? $"addr is {size:N0} bytes; the host reads at most {maxBytes:N0} (RestHostOptions:MaxDatasetBytes)."
                        : null;
            if (problem is null)
            {
                return (handle, null);
            }

            handle.Dispose();
            return (null, problem);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Elsewhere than Linux no link is followed at all (any link on the path is refused), since the real path of an open
    /// handle cannot be read the same way; the checks are made on the path, then the file is opened.
    /// </summary>
    private static (SafeFileHandle? Handle, string? Error) OpenPortable(string root, string candidate, string addr, long maxBytes)
    {
        string current = root;
        foreach (string segment in Path.GetRelativePath(root, candidate).Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, segment);
            var entry = new FileInfo(current);
            if (entry.LinkTarget is not null)
            {
                return (null, "addr is a link; on this platform the host follows no links in its data folder.");
            }
        }

        var file = new FileInfo(candidate);
        if (!file.Exists)
        {
            return (null, $"addr '{Excerpt.Of(addr)}' does not exist in the host's data folder.");
        }

        return file.Length > maxBytes
            ? (null, $"addr is {file.Length:N0} bytes; the host reads at most {maxBytes:N0} (RestHostOptions:MaxDatasetBytes).")
            : (File.OpenHandle(candidate, FileMode.Open, FileAccess.Read, FileShare.Read), null);
    }

    private static string WithSeparator(string path) => path.EndsWith(Path.DirectorySeparatorChar) ? path : path + Path.DirectorySeparatorChar;
}
