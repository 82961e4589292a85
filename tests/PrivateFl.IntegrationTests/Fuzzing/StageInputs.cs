using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests.Fuzzing;

/// <summary>
/// Stage messages a participant sends in place of its real one: mutations of the real message that the server can
/// recognise as wrong (a truncated or bit-flipped signature or key, a dropped, repeated, misaddressed or truncated
/// share, a vector one word short or long) and random ones. Messages the server cannot tell from an honest one
/// (a well-formed share with other content) are left out: accepting those is the protocol, not a fault.
/// </summary>
internal static class StageInputs
{
    public static Gen<IMessage> For(IMessage valid, string[] sessions, int modelLength)
    {
        RoundRef round = Round(valid);
        Gen<IMessage> mutations = valid switch
        {
            AdvertiseKeysRequest a => Gen.Choose(0, 6).Select(kind => (IMessage)Mutate(a, kind)),
            ShareKeysRequest s => Gen.Zip(Gen.Choose(0, 5), Gen.Choose(0, s.Shares.Count - 1), (kind, at) => (IMessage)Mutate(s, kind, at)),
            MaskedInputRequest m => Gen.Choose(0, 3).Select(kind => (IMessage)Mutate(m, kind)),
            ConsistencySignatureRequest c => Gen.Choose(0, 3).Select(kind => (IMessage)Mutate(c, kind)),
            UnmaskRequest u => Gen.Zip(Gen.Choose(0, 5), Gen.Choose(0, u.Shares.Count - 1), (kind, at) => (IMessage)Mutate(u, kind, at)),
            _ => throw new ArgumentException($"{valid.Descriptor.Name} is not a stage message.", nameof(valid)),
        };
        long[] rounds = [round.RoundNumber, round.RoundNumber + 1, round.RoundNumber - 1];
        Gen<IMessage>[] all =
        [
            ServiceTargets.Advertise(sessions, rounds),
            ServiceTargets.Shares(sessions, rounds),
            ServiceTargets.Masked(sessions, modelLength, 4 * modelLength, rounds),
            ServiceTargets.Signature(sessions, rounds),
            ServiceTargets.Unmask(sessions, rounds),
        ];
        Gen<IMessage> sameType = valid switch
        {
            AdvertiseKeysRequest => all[0],
            ShareKeysRequest => all[1],
            MaskedInputRequest => all[2],
            ConsistencySignatureRequest => all[3],
            _ => all[4],
        };

        // Random content addressed to the live round reaches the stage's checks; the other types test stage order.
        Gen<IMessage> addressed = Gen.Frequency((3, sameType.Select(m => Readdress(m, round))), (1, sameType), (1, Gen.OneOf(all).Select(m => Readdress(m, round))));
        return Gen.Frequency((1, mutations), (1, addressed)).Where(m => !Indistinguishable(valid, m));
    }

    /// <summary>True for a message the server cannot refuse without breaking the protocol (see the class remarks).</summary>
    public static bool Indistinguishable(IMessage valid, IMessage candidate)
    {
        if (candidate.GetType() != valid.GetType() || !Round(candidate).Equals(Round(valid)))
        {
            return false;
        }

        return (valid, candidate) switch
        {
            (ShareKeysRequest v, ShareKeysRequest c) => c.Shares.Count == v.Shares.Count
                && c.Shares.All(s => s.Ciphertext.Length == v.Shares[0].Ciphertext.Length)
                && c.Shares.Select(s => (s.Sender, s.Recipient)).Order().SequenceEqual(v.Shares.Select(s => (s.Sender, s.Recipient)).Order()),
            (MaskedInputRequest v, MaskedInputRequest c) => c.VectorLength == v.VectorLength && c.MaskedVector.Length == v.MaskedVector.Length,
            // A bank may reveal fewer shares than it holds (it drops those of dealers it complained about); the
            // round then decides at reconstruction whether enough usable shares remain.
            (UnmaskRequest v, UnmaskRequest c) => c.Shares.Select(s => s.Owner).Distinct().Count() == c.Shares.Count
                && c.Shares.All(s => v.Shares.Any(h => h.Owner == s.Owner && h.Kind == s.Kind && h.Share.Length == s.Share.Length && h.Salt.Length == s.Salt.Length)),
            _ => candidate.Equals(valid),
        };
    }

    private static RoundRef Round(IMessage message) => message switch
    {
        AdvertiseKeysRequest a => a.Round,
        ShareKeysRequest s => s.Round,
        MaskedInputRequest m => m.Round,
        ConsistencySignatureRequest c => c.Round,
        UnmaskRequest u => u.Round,
        _ => throw new ArgumentException($"{message.Descriptor.Name} is not a stage message.", nameof(message)),
    } ?? new RoundRef();

    private static IMessage Readdress(IMessage message, RoundRef round)
    {
        RoundRef copy = round.Clone();
        switch (message)
        {
            case AdvertiseKeysRequest a:
                a.Round = copy;
                break;
            case ShareKeysRequest s:
                s.Round = copy;
                break;
            case MaskedInputRequest m:
                m.Round = copy;
                break;
            case ConsistencySignatureRequest c:
                c.Round = copy;
                break;
            case UnmaskRequest u:
                u.Round = copy;
                break;
        }

        return message;
    }

    private static ByteString Flip(ByteString bytes, int bit = 0)
    {
        byte[] copy = bytes.ToByteArray();
        if (copy.Length > 0)
        {
            copy[(bit / 8) % copy.Length] ^= (byte)(1 << (bit % 8));
        }

        return ByteString.CopyFrom(copy);
    }

    private static ByteString Truncate(ByteString bytes) => bytes.Length == 0 ? bytes : ByteString.CopyFrom(bytes.Span[..^1]);

    private static AdvertiseKeysRequest Mutate(AdvertiseKeysRequest valid, int kind)
    {
        AdvertiseKeysRequest m = valid.Clone();
        switch (kind)
        {
            case 0: m.Signature = Truncate(m.Signature); break;
            case 1: m.Signature = Flip(m.Signature, 13); break;
            case 2: m.Signature = ByteString.Empty; break;
            case 3: (m.CipherPublicKey, m.MaskPublicKey) = (m.MaskPublicKey, m.CipherPublicKey); break;
            case 4: m.CipherPublicKey = Flip(m.CipherPublicKey, 77); break;
            case 5: m.MaskPublicKey = m.CipherPublicKey; break;
            default: m.MaskPublicKey = Truncate(m.MaskPublicKey); break;
        }

        return m;
    }

    private static ShareKeysRequest Mutate(ShareKeysRequest valid, int kind, int at)
    {
        ShareKeysRequest m = valid.Clone();
        switch (kind)
        {
            case 0: m.Shares.RemoveAt(at); break;
            case 1: m.Shares.Add(m.Shares[at].Clone()); break;
            case 2: m.Shares[at].Ciphertext = Truncate(m.Shares[at].Ciphertext); break;
            case 3: m.Shares[at].Sender += 1; break;
            case 4: m.Shares[at].Recipient = m.Shares[at].Sender; break;
            default: m.Shares[at].Recipient = uint.MaxValue; break;
        }

        return m;
    }

    private static MaskedInputRequest Mutate(MaskedInputRequest valid, int kind)
    {
        MaskedInputRequest m = valid.Clone();
        switch (kind)
        {
            case 0: m.MaskedVector = ByteString.CopyFrom(m.MaskedVector.Span[..^4]); m.VectorLength -= 1; break;
            case 1: m.MaskedVector = ByteString.CopyFrom([.. m.MaskedVector.Span, 0, 0, 0, 0]); m.VectorLength += 1; break;
            case 2: m.VectorLength += 1; break;
            default: m.MaskedVector = Truncate(m.MaskedVector); break;
        }

        return m;
    }

    private static ConsistencySignatureRequest Mutate(ConsistencySignatureRequest valid, int kind)
    {
        ConsistencySignatureRequest m = valid.Clone();
        m.Signature = kind switch
        {
            0 => Truncate(m.Signature),
            1 => Flip(m.Signature, 200),
            2 => ByteString.Empty,
            _ => ByteString.CopyFrom([.. m.Signature.Span, 0]),
        };
        return m;
    }

    private static UnmaskRequest Mutate(UnmaskRequest valid, int kind, int at)
    {
        UnmaskRequest m = valid.Clone();
        switch (kind)
        {
            case 0: m.Shares.RemoveAt(at); break;
            case 1: m.Shares.Add(m.Shares[at].Clone()); break;
            case 2: m.Shares[at].Kind = m.Shares[at].Kind == SecretKind.SelfMaskSeed ? SecretKind.MaskKey : SecretKind.SelfMaskSeed; break;
            case 3: m.Shares[at].Kind = SecretKind.Unspecified; break;
            case 4: m.Shares[at].Share = Truncate(m.Shares[at].Share); break;
            default: m.Shares[at].Owner = uint.MaxValue; break;
        }

        return m;
    }
}
