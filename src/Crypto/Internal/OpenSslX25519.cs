using System.Runtime.InteropServices;

namespace PrivateFl.Crypto.Internal;

/// <summary>
/// X25519 from the platform's OpenSSL libcrypto (EVP_PKEY, NID_X25519), for the key agreements of every round.
/// </summary>
/// <remarks>
/// A round costs each client three agreements per neighbour. BouncyCastle's portable X25519 takes about
/// 180 µs an agreement on this project's machine, OpenSSL's assembly about 40 µs, which decides whether a
/// round of 100 banks fits in a second. BouncyCastle remains the reference: it runs where libcrypto is
/// absent, decides every failure (small-order keys), and a property test checks that both agree.
/// </remarks>
internal static unsafe class OpenSslX25519
{
    private const int X25519Type = 1034; // NID_X25519

    private static readonly delegate* unmanaged[Cdecl]<int, nint, byte*, nuint, nint> NewRawPrivateKey;
    private static readonly delegate* unmanaged[Cdecl]<int, nint, byte*, nuint, nint> NewRawPublicKey;
    private static readonly delegate* unmanaged[Cdecl]<nint, byte*, nuint*, int> GetRawPublicKey;
    private static readonly delegate* unmanaged[Cdecl]<nint, void> FreeKey;
    private static readonly delegate* unmanaged[Cdecl]<nint, nint, nint> NewContext;
    private static readonly delegate* unmanaged[Cdecl]<nint, void> FreeContext;
    private static readonly delegate* unmanaged[Cdecl]<nint, int> DeriveInit;
    private static readonly delegate* unmanaged[Cdecl]<nint, nint, int> DeriveSetPeer;
    private static readonly delegate* unmanaged[Cdecl]<nint, byte*, nuint*, int> Derive;

#pragma warning disable CA1810 // The exports must be resolved together, and only once.
    static OpenSslX25519()
#pragma warning restore CA1810
    {
        foreach (string name in new[] { "libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so" })
        {
            if (!NativeLibrary.TryLoad(name, out nint library))
            {
                continue;
            }

            if (NativeLibrary.TryGetExport(library, "EVP_PKEY_new_raw_private_key", out nint newPrivate)
                && NativeLibrary.TryGetExport(library, "EVP_PKEY_new_raw_public_key", out nint newPublic)
                && NativeLibrary.TryGetExport(library, "EVP_PKEY_get_raw_public_key", out nint getPublic)
                && NativeLibrary.TryGetExport(library, "EVP_PKEY_free", out nint freeKey)
                && NativeLibrary.TryGetExport(library, "EVP_PKEY_CTX_new", out nint newContext)
                && NativeLibrary.TryGetExport(library, "EVP_PKEY_CTX_free", out nint freeContext)
                && NativeLibrary.TryGetExport(library, "EVP_PKEY_derive_init", out nint deriveInit)
                && NativeLibrary.TryGetExport(library, "EVP_PKEY_derive_set_peer", out nint setPeer)
                && NativeLibrary.TryGetExport(library, "EVP_PKEY_derive", out nint derive))
            {
                NewRawPrivateKey = (delegate* unmanaged[Cdecl]<int, nint, byte*, nuint, nint>)newPrivate;
                NewRawPublicKey = (delegate* unmanaged[Cdecl]<int, nint, byte*, nuint, nint>)newPublic;
                GetRawPublicKey = (delegate* unmanaged[Cdecl]<nint, byte*, nuint*, int>)getPublic;
                FreeKey = (delegate* unmanaged[Cdecl]<nint, void>)freeKey;
                NewContext = (delegate* unmanaged[Cdecl]<nint, nint, nint>)newContext;
                FreeContext = (delegate* unmanaged[Cdecl]<nint, void>)freeContext;
                DeriveInit = (delegate* unmanaged[Cdecl]<nint, int>)deriveInit;
                DeriveSetPeer = (delegate* unmanaged[Cdecl]<nint, nint, int>)setPeer;
                Derive = (delegate* unmanaged[Cdecl]<nint, byte*, nuint*, int>)derive;
                IsAvailable = true;
                return;
            }
        }
    }

    /// <summary>Gets a value indicating whether libcrypto with X25519 was found.</summary>
    public static bool IsAvailable { get; }

    /// <summary>Wraps a 32-byte private key in an OpenSSL key (which derives the public key); null if OpenSSL refuses.</summary>
    public static PrivateKeyHandle? Import(ReadOnlySpan<byte> privateKey)
    {
        fixed (byte* key = privateKey)
        {
            nint handle = NewRawPrivateKey(X25519Type, 0, key, (nuint)privateKey.Length);
            return handle == 0 ? null : new PrivateKeyHandle(handle);
        }
    }

    /// <summary>Writes the public key of an imported private key.</summary>
    public static bool TryGetPublicKey(PrivateKeyHandle key, Span<byte> publicKey)
    {
        bool added = false;
        key.DangerousAddRef(ref added);
        try
        {
            nuint length = (nuint)publicKey.Length;
            fixed (byte* output = publicKey)
            {
                return GetRawPublicKey(key.DangerousGetHandle(), output, &length) == 1 && length == (nuint)publicKey.Length;
            }
        }
        finally
        {
            if (added)
            {
                key.DangerousRelease();
            }
        }
    }

    /// <summary>X25519(private, peer); false on any failure, including the all-zero result of a small-order peer.</summary>
    public static bool TryAgree(PrivateKeyHandle key, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        nint peer;
        fixed (byte* peerBytes = peerPublicKey)
        {
            peer = NewRawPublicKey(X25519Type, 0, peerBytes, (nuint)peerPublicKey.Length);
        }

        if (peer == 0)
        {
            return false;
        }

        bool added = false;
        nint context = 0;
        try
        {
            key.DangerousAddRef(ref added);
            context = NewContext(key.DangerousGetHandle(), 0);
            nuint length = (nuint)sharedSecret.Length;
            fixed (byte* output = sharedSecret)
            {
                return context != 0
                    && DeriveInit(context) == 1
                    && DeriveSetPeer(context, peer) == 1
                    && Derive(context, output, &length) == 1
                    && length == (nuint)sharedSecret.Length;
            }
        }
        finally
        {
            if (context != 0)
            {
                FreeContext(context);
            }

            FreeKey(peer);
            if (added)
            {
                key.DangerousRelease();
            }
        }
    }

    /// <summary>An OpenSSL EVP_PKEY holding a private key; freeing it cleanses the key (OpenSSL clears ECX keys on free).</summary>
    internal sealed class PrivateKeyHandle : SafeHandle
    {
        public PrivateKeyHandle(nint handle)
            : base(0, ownsHandle: true)
        {
            SetHandle(handle);
        }

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            FreeKey(handle);
            return true;
        }
    }
}
