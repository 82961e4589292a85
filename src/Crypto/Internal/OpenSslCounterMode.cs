using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace PrivateFl.Crypto.Internal;

/// <summary>
/// AES-256-CTR from the platform's OpenSSL libcrypto (the library .NET itself uses for AES on Linux), for
/// the mask generator's hot path.
/// </summary>
/// <remarks>
/// .NET exposes no counter mode. Building CTR from its ECB primitive costs an extra pass to write counter
/// blocks and runs at about 62% of OpenSSL's own CTR; calling EVP's CTR directly keeps the mask generator
/// near the speed of the cipher. Where libcrypto cannot be loaded (Windows, macOS without OpenSSL) the
/// mask generator uses the ECB construction, which produces the same stream.
/// </remarks>
internal static unsafe class OpenSslCounterMode
{
    private static readonly delegate* unmanaged[Cdecl]<nint> CreateContext;
    private static readonly delegate* unmanaged[Cdecl]<nint, void> FreeContext;
    private static readonly delegate* unmanaged[Cdecl]<nint> Aes256Ctr;
    private static readonly delegate* unmanaged[Cdecl]<nint, nint, nint, byte*, byte*, int> EncryptInit;
    private static readonly delegate* unmanaged[Cdecl]<nint, byte*, int*, byte*, int, int> EncryptUpdate;

#pragma warning disable CA1810 // The exports must be resolved together, and only once.
    static OpenSslCounterMode()
#pragma warning restore CA1810
    {
        foreach (string name in new[] { "libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so" })
        {
            if (NativeLibrary.TryLoad(name, out nint library)
                && NativeLibrary.TryGetExport(library, "EVP_CIPHER_CTX_new", out nint create)
                && NativeLibrary.TryGetExport(library, "EVP_CIPHER_CTX_free", out nint free)
                && NativeLibrary.TryGetExport(library, "EVP_aes_256_ctr", out nint cipher)
                && NativeLibrary.TryGetExport(library, "EVP_EncryptInit_ex", out nint init)
                && NativeLibrary.TryGetExport(library, "EVP_EncryptUpdate", out nint update))
            {
                CreateContext = (delegate* unmanaged[Cdecl]<nint>)create;
                FreeContext = (delegate* unmanaged[Cdecl]<nint, void>)free;
                Aes256Ctr = (delegate* unmanaged[Cdecl]<nint>)cipher;
                EncryptInit = (delegate* unmanaged[Cdecl]<nint, nint, nint, byte*, byte*, int>)init;
                EncryptUpdate = (delegate* unmanaged[Cdecl]<nint, byte*, int*, byte*, int, int>)update;
                IsAvailable = true;
                return;
            }
        }
    }

    /// <summary>Gets a value indicating whether libcrypto was found.</summary>
    public static bool IsAvailable { get; }

    /// <summary>Starts a keystream at counter block zero under a 32-byte key.</summary>
    public static nint Start(ReadOnlySpan<byte> key)
    {
        nint context = CreateContext();
        if (context == 0)
        {
            throw new CryptographicException("OpenSSL could not allocate a cipher context.");
        }

        byte* initialCounter = stackalloc byte[16];
        new Span<byte>(initialCounter, 16).Clear();
        fixed (byte* keyPointer = key)
        {
            if (EncryptInit(context, Aes256Ctr(), 0, keyPointer, initialCounter) != 1)
            {
                FreeContext(context);
                throw new CryptographicException("OpenSSL could not initialise AES-256-CTR.");
            }
        }

        return context;
    }

    /// <summary>Writes the next keystream bytes by encrypting a zero buffer of the same length.</summary>
    public static void Next(nint context, ReadOnlySpan<byte> zeros, Span<byte> keystream)
    {
        fixed (byte* input = zeros)
        fixed (byte* output = keystream)
        {
            int written;
            if (EncryptUpdate(context, output, &written, input, keystream.Length) != 1 || written != keystream.Length)
            {
                throw new CryptographicException("OpenSSL AES-256-CTR failed.");
            }
        }
    }

    /// <summary>Frees the context; OpenSSL cleanses the expanded key when it does.</summary>
    public static void Stop(nint context) => FreeContext(context);
}
