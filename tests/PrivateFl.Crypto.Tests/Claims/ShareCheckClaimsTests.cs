using System.Buffers.Binary;
using System.Reflection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.SecAgg;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.Claims;

/// <summary>
/// specs/protocol.md §2.5, stage 2: the client checks that each delivered share names the same parties inside and
/// decodes at its own point (a failed share is the dealer's fault: a complaint, not an abort); afterwards it erases
/// c_u and b_u (docs/claims.md P30, P32).
/// </summary>
public sealed class ShareCheckClaimsTests
{
    /// <summary>How a corrupted dealer re-seals one share under the genuine share key, AD and (re-computed) commitments.</summary>
    public enum Tampering
    {
        /// <summary>Control: the genuine plaintext, re-sealed; every check passes.</summary>
        None,

        /// <summary>The plaintext names another dealer.</summary>
        InnerSender,

        /// <summary>The plaintext names another recipient.</summary>
        InnerRecipient,

        /// <summary>The share of b_u is evaluated at another holder's point.</summary>
        SelfMaskSharePoint,

        /// <summary>The share of s_u^SK is evaluated at another holder's point.</summary>
        MaskKeySharePoint,
    }

    /// <summary>
    /// A dealer seals for one holder a share that passes authentication and opens its commitments but names other
    /// parties inside or is evaluated at another point. The holder does not keep it: it complains against exactly
    /// that dealer, the server finds the dealer guilty (not the complainant), and the round completes with the sum
    /// of everyone else. The re-sealed genuine share (control) is accepted without complaint.
    /// </summary>
    [Property(MaxTest = 25)]
    public Property MaskInput_ShareNamingOtherPartiesOrAtAnotherPoint_HolderComplainsAgainstTheDealerAndRoundCompletesWithoutIt() =>
        Prop.ForAll(
            Arb.From(from n in Gen.Choose(5, 8)
                     from dealer in Gen.Choose(1, n)
                     from offset in Gen.Choose(1, n - 1)
                     from tampering in Gen.Elements(Enum.GetValues<Tampering>())
                     from active in Gen.Elements(false, true)
                     from seed in Gen.Choose(0, int.MaxValue)
                     select (n, dealer, holder: ((dealer - 1 + offset) % n) + 1, tampering, active, seed)),
            s =>
            {
                var random = new DeterministicRandom(s.seed);
                SecAggMode mode = s.active ? SecAggMode.Active : SecAggMode.SemiHonest;
                var scenario = new RoundScenario(s.n, 4, NeighbourGraphKind.Complete, mode, [.. Enumerable.Repeat(RoundScenario.Never, s.n)], [.. Enumerable.Range(0, s.n).Select(_ => random.NextWords(4))], s.seed);
                using var harness = new RoundHarness(scenario);
                IReadOnlyDictionary<int, KeyDirectory> directories = harness.AdvertiseKeys();
                foreach ((int index, KeyDirectory directory) in directories)
                {
                    ShareKeys shares = harness.Client(index).ShareKeys(directory);
                    if (index == s.dealer)
                    {
                        shares = shares with { Shares = [.. shares.Shares.Select(share => share.Recipient == s.holder ? Reseal(harness, share, s.tampering) : share)] };
                    }

                    harness.Server.AcceptShareKeys(shares);
                }

                IReadOnlyDictionary<int, ShareDelivery> deliveries = harness.Server.CloseShareKeys();
                IReadOnlyList<ShareComplaint> holderComplaints = [];
                foreach ((int index, ShareDelivery delivery) in deliveries)
                {
                    MaskedInput masked = harness.Client(index).MaskInput(delivery, scenario.Inputs[index - 1]);
                    if (index == s.holder)
                    {
                        holderComplaints = masked.Complaints ?? [];
                    }

                    harness.Server.AcceptMaskedInput(masked);
                }

                SurvivorList survivors = harness.Server.CloseMaskedInput();
                bool holdsDealersShare = Field<System.Collections.IDictionary>(harness.Client(s.holder), "_heldShares").Contains(s.dealer);
                AggregationResult result = s.active
                    ? Unmask(harness, harness.ConsistencyCheck(survivors))
                    : harness.Unmask(c => harness.Client(c).Unmask(survivors), survivors.Survivors);

                bool tampered = s.tampering != Tampering.None;
                int[] expectedIncluded = [.. Enumerable.Range(1, s.n).Where(i => !tampered || i != s.dealer)];
                uint[] expectedSum = new uint[4];
                foreach (int i in expectedIncluded)
                {
                    for (int j = 0; j < 4; j++)
                    {
                        expectedSum[j] += scenario.Inputs[i - 1][j];
                    }
                }

                bool complaintsRight = tampered
                    ? holderComplaints.Select(c => c.Dealer).SequenceEqual([s.dealer])
                    : holderComplaints.Count == 0;
                bool culpritsRight = tampered
                    ? harness.Server.Culprits.SequenceEqual([new RoundCulprit(s.dealer, Misbehaviour.InvalidShare)])
                    : harness.Server.Culprits.Count == 0;
                return (complaintsRight && culpritsRight && holdsDealersShare == !tampered
                        && result.IncludedClients.SequenceEqual(expectedIncluded) && result.Sum.Span.SequenceEqual(expectedSum))
                    .Label($"{s}: complaints [{string.Join(',', holderComplaints.Select(c => c.Dealer))}], culprits [{string.Join(',', harness.Server.Culprits)}], holds {holdsDealersShare}, included [{string.Join(',', result.IncludedClients)}]");
            });

    /// <summary>
    /// After MaskInput the client no longer holds c_u (its cipher key is disposed: no agreement can be computed with
    /// it) or b_u (the very array that held the seed is zeroed and dropped), nor any pair share key; s_u^SK stays
    /// usable for the pair points of stage 5.
    /// </summary>
    [Theory]
    [InlineData(SecAggMode.SemiHonest)]
    [InlineData(SecAggMode.Active)]
    public void MaskInput_AnyMode_CipherKeyAndSelfMaskSeedErasedAndOnlyTheMaskKeyKept(SecAggMode mode)
    {
        var random = new DeterministicRandom(11);
        var scenario = new RoundScenario(5, 8, NeighbourGraphKind.Complete, mode, [.. Enumerable.Repeat(RoundScenario.Never, 5)], [.. Enumerable.Range(0, 5).Select(_ => random.NextWords(8))], 11);
        using var harness = new RoundHarness(scenario);
        IReadOnlyDictionary<int, ShareDelivery> deliveries = harness.ShareKeys(harness.AdvertiseKeys());
        ClientSession client = harness.Client(2);
        byte[] selfMaskSeed = Field<byte[]>(client, "_selfMaskSeed");
        KeyAgreementKey cipherKey = Field<KeyAgreementKey>(client, "_cipherKey");
        Assert.Contains(selfMaskSeed, b => b != 0);
        Assert.NotEmpty(Field<System.Collections.ICollection>(client, "_shareKeys"));
        cipherKey.DeriveSharedKey(Field<KeyAgreementKey>(client, "_maskKey").PublicKey, "privatefl/v1/test", [], new byte[32]);

        client.MaskInput(deliveries[2], scenario.Inputs[1]);

        Assert.Equal(ClientStage.InputMasked, client.Stage);
        Assert.Null(Field<byte[]?>(client, "_selfMaskSeed"));
        Assert.All(selfMaskSeed, b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => cipherKey.DeriveSharedKey(cipherKey.PublicKey, "privatefl/v1/test", [], new byte[32]));
        Assert.Empty(Field<System.Collections.ICollection>(client, "_shareKeys"));
        KeyAgreementKey maskKey = Field<KeyAgreementKey>(client, "_maskKey");
        maskKey.DeriveSharedKey(maskKey.PublicKey, "privatefl/v1/test", [], new byte[32]);
    }

    private static AggregationResult Unmask(RoundHarness harness, ConsistencyProof proof) =>
        harness.Unmask(c => harness.Client(c).Unmask(proof), proof.Signatures.Select(s => s.Sender));

    /// <summary>Opens the dealer's share with the dealer's own share key, changes what <paramref name="tampering"/> says, re-commits, re-seals and (active mode) re-signs as the dealer.</summary>
    private static EncryptedShare Reseal(RoundHarness harness, EncryptedShare share, Tampering tampering)
    {
        int dealer = share.Sender;
        int holder = share.Recipient;
        int other = (holder % harness.Parameters.ParticipantCount) + 1 == dealer ? (dealer % harness.Parameters.ParticipantCount) + 1 : (holder % harness.Parameters.ParticipantCount) + 1;
        RoundIdentity round = harness.Parameters.Round;
        byte[] shareKey = Field<Dictionary<int, byte[]>>(harness.Client(dealer), "_shareKeys")[holder];
        byte[] associatedData = ProtocolEncoding.ShareAssociatedData(round, dealer, holder);
        byte[] plaintext = Aead.Decrypt(shareKey, share.Ciphertext.Span, associatedData);
        byte[] commitments = share.Commitments.ToArray();
        switch (tampering)
        {
            case Tampering.InnerSender:
                BinaryPrimitives.WriteUInt32LittleEndian(plaintext, (uint)other);
                break;
            case Tampering.InnerRecipient:
                BinaryPrimitives.WriteUInt32LittleEndian(plaintext.AsSpan(sizeof(uint)), (uint)other);
                break;
            case Tampering.SelfMaskSharePoint:
                MovePoint(round, dealer, holder, other, SecretKind.SelfMaskSeed, plaintext.AsSpan(ProtocolEncoding.SelfMaskShareOffset), commitments.AsSpan(0, CommitmentEncoding.CommitmentSize));
                break;
            case Tampering.MaskKeySharePoint:
                MovePoint(round, dealer, holder, other, SecretKind.MaskKey, plaintext.AsSpan(ProtocolEncoding.MaskKeyShareOffset), commitments.AsSpan(CommitmentEncoding.CommitmentSize));
                break;
        }

        byte[] ciphertext = Aead.Encrypt(shareKey, plaintext, associatedData);
        byte[] signature = harness.Parameters.Mode == SecAggMode.Active
            ? harness.IdentityKey(dealer).Sign(CommitmentEncoding.ShareSignaturePayload(round, dealer, holder, commitments, ciphertext))
            : share.Signature.ToArray();
        return share with { Ciphertext = ciphertext, Commitments = commitments, Signature = signature };
    }

    /// <summary>Rewrites the encoded share's index to another holder's point and commits to the result, so only the point check can catch it.</summary>
    private static void MovePoint(RoundIdentity round, int dealer, int holder, int point, SecretKind kind, Span<byte> part, Span<byte> commitment)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(part, (uint)point);
        using ShamirShare moved = ShamirShare.Decode(part[..ShamirShare.EncodedSize]);
        Assert.Equal(point, moved.Index);
        CommitmentEncoding.ShareCommitment(round, dealer, holder, kind, part[..ShamirShare.EncodedSize], part.Slice(ShamirShare.EncodedSize, CommitmentEncoding.SaltSize), commitment);
    }

    private static T Field<T>(ClientSession client, string name) =>
        (T)typeof(ClientSession).GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(client)!;
}
