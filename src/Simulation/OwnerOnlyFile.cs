using System.Text;

namespace PrivateFl.Simulation;

/// <summary>Writes files only their owner can read or write (mode 0600): the identity keys the federation command hands to banks.</summary>
internal static class OwnerOnlyFile
{
    /// <summary>Writes <paramref name="text"/> to a new file at <paramref name="path"/> with mode 0600, replacing any file there.</summary>
    public static async Task WriteAllTextAsync(string path, string text, CancellationToken cancellationToken)
    {
        // FileMode.Create on an existing file keeps its old mode, so a file left by an earlier run is removed first.
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
