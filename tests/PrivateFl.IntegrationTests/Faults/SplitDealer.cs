using System.Security.Cryptography;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Protocol.V1;
using KeyDirectory = PrivateFl.Crypto.SecAgg.Messages.KeyDirectory;

namespace PrivateFl.IntegrationTests.Faults;

/// <summary>
/// A corrupted bank (review finding R1) that deals shares of b_u from two polynomials: its round session (registered
/// through the SDK's internal session seam) and a second one with the same round keys and another b_u; only the listed
/// holders get shares of the committed one, each share sealed, committed and signed by the bank itself
/// (<see cref="Faults"/> rewrites the outgoing ShareKeys call).
/// </summary>
internal sealed class SplitDealer(int[] committedHolders) : IClientSessionFactory, IDisposable
{
    private ClientSession? _other;

    /// <summary>Gets the interceptor that swaps in the second polynomial's shares; add it to the bank's options.</summary>
    public BankFaults Faults => new() { RewriteShares = Redeal };

    public ClientSession Create(SecAggParameters parameters, int index, SigningKey? identityKey, IReadOnlyDictionary<int, ReadOnlyMemory<byte>>? identityKeys)
    {
        byte[] prefix = RandomNumberGenerator.GetBytes(64);
        var committed = new ClientSession(parameters, index, identityKey, identityKeys, new PrefixRandom(prefix));
        _other?.Dispose();
        _other = new ClientSession(parameters, index, identityKey, identityKeys, new PrefixRandom(prefix));
        _ = _other.AdvertiseKeys();
        return committed;
    }

    public void Dispose()
    {
        _other?.Dispose();
        _other = null;
    }

    private void Redeal(ShareKeysRequest request, RoundIdentity round, KeyDirectoryReply reply)
    {
        ClientSession other = _other ?? throw new InvalidOperationException("ShareKeys before the round's session.");
        _other = null;
        ShareKeys split;
        using (other)
        {
            split = other.ShareKeys(new KeyDirectory([.. reply.Entries.Select(e => new AdvertisedKeys((int)e.Index, e.CipherPublicKey.Memory, e.MaskPublicKey.Memory, e.Signature.Memory, e.SelfMaskCommitment.Memory))]));
        }

        EncryptedShareMessage[] merged = [.. request.Shares.Where(s => committedHolders.Contains((int)s.Recipient))
            .Concat(split.Shares.Where(s => !committedHolders.Contains(s.Recipient)).Select(BankFaults.ToProto))
            .OrderBy(s => s.Recipient)];
        request.Shares.Clear();
        request.Shares.Add(merged);
    }

    /// <summary>Replays a fixed prefix (the round keys c_u and s_u), then draws from the operating system's CSPRNG.</summary>
    private sealed class PrefixRandom(byte[] prefix) : IRandomSource
    {
        private int _used;

        public void Fill(Span<byte> destination)
        {
            int fromPrefix = Math.Min(destination.Length, prefix.Length - _used);
            prefix.AsSpan(_used, fromPrefix).CopyTo(destination);
            _used += fromPrefix;
            RandomNumberGenerator.Fill(destination[fromPrefix..]);
        }

        public ulong NextUInt64()
        {
            Span<byte> bytes = stackalloc byte[sizeof(ulong)];
            Fill(bytes);
            return BitConverter.ToUInt64(bytes);
        }
    }
}
