using System.Buffers.Binary;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Crypto.Internal;

/// <summary>
/// The exact byte strings that round keys, shares and signatures are bound to (specs/protocol.md §2.4).
/// Each starts with its own ASCII domain label and a 0x00, then the round context.
/// </summary>
internal static class ProtocolEncoding
{
    public const string AdvertiseDomain = "privatefl/v1/advertise";
    public const string ShareDomain = "privatefl/v1/share";
    public const string ConsistencyDomain = "privatefl/v1/consistency";

    /// <summary>uint32 sender || uint32 recipient || share of b (68) || salt of b's share (32) || share of s^SK (68) || salt of s^SK's share (32).</summary>
    public const int SharePlaintextSize = (2 * sizeof(uint)) + (2 * (ShamirShare.EncodedSize + CommitmentEncoding.SaltSize));

    /// <summary>Where, in the share plaintext, the share of b and its salt start; the share of s^SK and its salt follow.</summary>
    public const int SelfMaskShareOffset = 2 * sizeof(uint);

    public const int MaskKeyShareOffset = SelfMaskShareOffset + ShamirShare.EncodedSize + CommitmentEncoding.SaltSize;

    public const int ShareCiphertextSize = SharePlaintextSize + Aead.Overhead;

    public static byte[] AdvertisePayload(RoundIdentity round, int sender, ReadOnlySpan<byte> cipherPublicKey, ReadOnlySpan<byte> maskPublicKey, ReadOnlySpan<byte> selfMaskCommitment)
    {
        var writer = new Writer(AdvertiseDomain, round, sizeof(uint) + cipherPublicKey.Length + maskPublicKey.Length + selfMaskCommitment.Length);
        writer.WriteUInt32((uint)sender);
        writer.Write(cipherPublicKey);
        writer.Write(maskPublicKey);
        writer.Write(selfMaskCommitment);
        return writer.ToArray();
    }

    public static byte[] ShareAssociatedData(RoundIdentity round, int sender, int recipient)
    {
        var writer = new Writer(ShareDomain, round, 2 * sizeof(uint));
        writer.WriteUInt32((uint)sender);
        writer.WriteUInt32((uint)recipient);
        return writer.ToArray();
    }

    public static byte[] ConsistencyPayload(RoundIdentity round, IReadOnlyList<int> survivors)
    {
        var writer = new Writer(ConsistencyDomain, round, sizeof(uint) * (survivors.Count + 1));
        writer.WriteUInt32((uint)survivors.Count);
        foreach (int survivor in survivors)
        {
            writer.WriteUInt32((uint)survivor);
        }

        return writer.ToArray();
    }

    private ref struct Writer
    {
        private readonly byte[] _buffer;
        private int _position;

        public Writer(string domain, RoundIdentity round, int payloadLength)
        {
            _buffer = new byte[domain.Length + 1 + round.Context.Length + payloadLength];
            System.Text.Encoding.ASCII.GetBytes(domain, _buffer);
            _position = domain.Length + 1;
            Write(round.Context);
        }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_buffer.AsSpan(_position));
            _position += bytes.Length;
        }

        public void WriteUInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_position), value);
            _position += sizeof(uint);
        }

        public readonly byte[] ToArray() => _buffer;
    }
}
