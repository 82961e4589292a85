namespace PrivateFl.RestHost;

/// <summary>
/// Resolves the <c>addr</c> of <c>/fl_train</c> to a file inside the data root, refusing URLs, absolute paths outside
/// the root, <c>..</c>, links that lead out of the root, and missing files.
/// </summary>
internal static class DatasetPathResolver
{
    public static (string? Path, string? Error) Resolve(string dataRoot, string? addr)
    {
        if (string.IsNullOrWhiteSpace(addr))
        {
            return (null, "addr is required: the name of a CSV data set in the host's data folder.");
        }

        if (addr.Contains("://", StringComparison.Ordinal) || addr.StartsWith("//", StringComparison.Ordinal) || addr.StartsWith(@"\\", StringComparison.Ordinal))
        {
            return (null, "addr must name a file in the host's data folder; URLs are not fetched.");
        }

        if (addr.Split('/', '\\').Any(segment => segment == ".."))
        {
            return (null, "addr must not contain '..': it is resolved inside the host's data folder only.");
        }

        if (addr.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || addr.Contains('\0', StringComparison.Ordinal))
        {
            return (null, "addr contains characters that are not allowed in a path.");
        }

        string root = Path.GetFullPath(dataRoot);
        string rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        string candidate = Path.GetFullPath(Path.IsPathRooted(addr) ? addr : Path.Combine(root, addr));
        if (!candidate.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            return (null, "addr is outside the host's data folder.");
        }

        var file = new FileInfo(candidate);
        if (!file.Exists)
        {
            return (null, $"addr '{addr}' does not exist in the host's data folder.");
        }

        // A link (or a link in a parent folder) that leads out of the root is refused as well.
        string resolved = ResolveLinks(candidate);
        for (int hop = 0; hop < 40; hop++)
        {
            // A link's target may itself pass through links (a folder link inside the target path): resolve until stable.
            string again = ResolveLinks(resolved);
            if (again == resolved)
            {
                break;
            }

            resolved = again;
        }

        string resolvedRoot = ResolveLinks(root);
        string resolvedRootWithSeparator = resolvedRoot.EndsWith(Path.DirectorySeparatorChar) ? resolvedRoot : resolvedRoot + Path.DirectorySeparatorChar;
        return resolved.StartsWith(resolvedRootWithSeparator, StringComparison.Ordinal)
            ? (resolved, null)
            : (null, "addr is a link that leads outside the host's data folder.");
    }

    private static string ResolveLinks(string path)
    {
        string full = Path.GetFullPath(path);
        string? parent = Path.GetDirectoryName(full);
        string resolvedParent = parent is null || parent == full ? full : ResolveLinks(parent);
        string current = parent is null ? full : Path.Combine(resolvedParent, Path.GetFileName(full));
        FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
        FileSystemInfo? target = info.LinkTarget is null ? null : info.ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? current : Path.GetFullPath(target.FullName);
    }
}
