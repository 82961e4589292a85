using System.Text;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>Writes files that only their owner can read or write (mode 0600): ledgers and key material.</summary>
internal static class OwnerOnlyFile
{
    /// <summary>Writes <paramref name="text"/> to a new file at <paramref name="path"/> with mode 0600, replacing any file there.</summary>
    public static void WriteAllText(string path, string text)
    {
        // FileMode.Create on an existing file keeps its old mode, so a file left by an older version is removed first.
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(text));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>The asynchronous form of <see cref="WriteAllText"/>.</summary>
    public static async Task WriteAllTextAsync(string path, string text, CancellationToken cancellationToken)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
    }
}
