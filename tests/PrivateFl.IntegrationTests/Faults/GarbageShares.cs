using System.Security.Cryptography;
using Google.Protobuf;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests.Faults;

/// <summary>A corrupted bank that deals well-formed garbage: every share a random ciphertext of the right size, signed by the bank itself so that the server routes it.</summary>
internal static class GarbageShares
{
    /// <summary>The interceptor that garbles the bank's outgoing shares in every round; add it to the bank's options.</summary>
    public static BankFaults Dealt(SigningKey identity) => new()
    {
        RewriteShares = (request, round, _) =>
        {
            foreach (EncryptedShareMessage share in request.Shares)
            {
                byte[] ciphertext = RandomNumberGenerator.GetBytes(share.Ciphertext.Length);
                share.Ciphertext = ByteString.CopyFrom(ciphertext);
                share.Signature = ByteString.CopyFrom(identity.Sign(CommitmentEncoding.ShareSignaturePayload(round, (int)share.Sender, (int)share.Recipient, share.Commitments.Span, ciphertext)));
            }
        },
    };
}
