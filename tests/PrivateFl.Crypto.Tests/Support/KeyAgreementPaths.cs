using PrivateFl.Crypto.Primitives;

namespace PrivateFl.Crypto.Tests.Support;

/// <summary>Creates keys on BouncyCastle's portable X25519 instead of OpenSSL's.</summary>
internal static class KeyAgreementPaths
{
    private static readonly Lock Gate = new();

    public static KeyAgreementKey ImportPortable(ReadOnlySpan<byte> privateKey)
    {
        lock (Gate)
        {
            bool previous = KeyAgreementKey.UseOpenSsl;
            KeyAgreementKey.UseOpenSsl = false;
            try
            {
                return KeyAgreementKey.Import(privateKey);
            }
            finally
            {
                KeyAgreementKey.UseOpenSsl = previous;
            }
        }
    }
}
