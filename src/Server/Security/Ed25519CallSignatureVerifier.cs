using PrivateFl.Crypto.Primitives;

namespace PrivateFl.Server.Security;

/// <summary>The server's <see cref="ICallSignatureVerifier"/>: RFC 8032 Ed25519 (<see cref="Signatures.Verify"/>).</summary>
internal sealed class Ed25519CallSignatureVerifier : ICallSignatureVerifier
{
    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> signature) =>
        Signatures.Verify(publicKey, payload, signature);
}
