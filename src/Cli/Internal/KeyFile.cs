using System.Buffers.Text;
using System.Security.Cryptography;
using PrivateFl.Crypto.Primitives;

namespace PrivateFl.Cli.Internal;

/// <summary>
/// Writes a bank's identity private key in the format <c>FederatedClientOptions.IdentityKeyFile</c> reads: the 32-byte
/// Ed25519 seed in base64, as the simulation's key files. The file is created new with mode 0600 before any secret is
/// written, so the key is never in a file another user can read, and an existing file is never replaced.
/// </summary>
internal static class KeyFile
{
    /// <summary>Creates <paramref name="path"/> (it must not exist) and writes <paramref name="key"/>'s private half to it.</summary>
    /// <exception cref="CliException">The file exists or cannot be created (exit 2).</exception>
    public static void WriteNew(string path, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        if (File.Exists(path) || Directory.Exists(path))
        {
            throw new CliException($"--key-out '{path}' already exists; a key file is never overwritten (its bank may still need it). Choose another file or remove it first.");
        }

        FileStream stream;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            stream = new FileStream(path, options);
        }
        catch (IOException ex) when (File.Exists(path))
        {
            throw new CliException($"--key-out '{path}' already exists; a key file is never overwritten (its bank may still need it).", ExitCodes.BadArguments, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"--key-out '{path}' cannot be created: {ex.Message}", ExitCodes.BadArguments, ex);
        }

        Span<byte> secret = stackalloc byte[SigningKey.KeySize];
        Span<byte> text = stackalloc byte[Base64.GetMaxEncodedToUtf8Length(SigningKey.KeySize)];
        try
        {
            using (stream)
            {
                key.ExportPrivateKey(secret);
                Base64.EncodeToUtf8(secret, text, out _, out int written);
                stream.Write(text[..written]);
                stream.Flush(flushToDisk: true);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(text);
        }
    }
}
