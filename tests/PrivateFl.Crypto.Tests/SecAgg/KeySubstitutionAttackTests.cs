using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>
/// Issue 9 §1: a corrupted bank advertises an honest neighbour's mask key in another encoding, so that the
/// target's pairwise masks cancel and the server, which reconstructs b_target at unmasking, reads x_target.
/// </summary>
public sealed class KeySubstitutionAttackTests
{
    private const int Banks = 10;
    private const int Target = 5;
    private const int Length = 64;

    [Theory]
    [InlineData(SecAggMode.SemiHonest)]
    [InlineData(SecAggMode.Active)]
    public void MaskKeysCopiedWithBit255Flipped_TenBanksHalfCorrupted_RefusedAndTargetNotRecovered(SecAggMode mode)
    {
        // Honest 1 … 5, corrupted 6 … 10: each of 6 … 9 advertises the mask key of one of 1 … 4 (the opposite side
        // of the target, so the two masks enter y_5 with opposite signs); 10 keeps a key the coalition knows.
        RoundScenario scenario = Scenario(mode, seed: 91);

        CoalitionOutcome outcome = KeySubstitutionCoalition.Run(scenario, Target, Plan(KeySubstitution.BitFlip));

        AssertNotRecovered(scenario, outcome);
        Assert.Equal(SecAggViolation.InvalidPublicKey, outcome.TargetRefusal);
        Assert.Null(outcome.Estimate);
    }

    [Theory]
    [InlineData(SecAggMode.SemiHonest)]
    [InlineData(SecAggMode.Active)]
    public void MaskKeysCopiedAsTorsionShift_TenBanksHalfCorrupted_MasksDoNotCancel(SecAggMode mode)
    {
        // u(P + T) for T of order 2, 4 or 8 (1/u for order 2) is a canonical key of large order with other bytes than
        // u, and X25519 gives it the same secret as u under every clamped scalar: no encoding check can see it; only
        // binding both ends' indices and keys into the seed stops it.
        RoundScenario scenario = Scenario(mode, seed: 92);

        CoalitionOutcome outcome = KeySubstitutionCoalition.Run(scenario, Target, Plan(KeySubstitution.TorsionShift));

        AssertNotRecovered(scenario, outcome);
        Assert.Empty(outcome.Refusals);
        Assert.False(outcome.RoundAborted);
        Assert.NotNull(outcome.Estimate);
    }

    [Theory]
    [InlineData(SecAggMode.SemiHonest)]
    [InlineData(SecAggMode.Active)]
    public void AcceptAdvertiseKeys_AnotherBanksMaskKeyWithBit255Flipped_RefusedAsInvalidPublicKey(SecAggMode mode)
    {
        using var harness = new RoundHarness(Scenario(mode, seed: 93));
        AdvertisedKeys honest = harness.Client(1).AdvertiseKeys();
        harness.Server.AcceptAdvertiseKeys(honest);
        AdvertisedKeys own = harness.Client(2).AdvertiseKeys();
        byte[] copied = X25519Encodings.FlipBit255(honest.MaskPublicKey.Span);
        AdvertisedKeys forged = own with
        {
            MaskPublicKey = copied,
            Signature = mode == SecAggMode.Active ? harness.IdentityKey(2).Sign(ProtocolEncoding.AdvertisePayload(harness.Parameters.Round, 2, own.CipherPublicKey.Span, copied, own.SelfMaskCommitment.Span)) : [],
        };

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptAdvertiseKeys(forged));

        Assert.Equal(SecAggViolation.InvalidPublicKey, ex.Violation);
        Assert.Equal([1], harness.Server.ReceivedClients);
    }

    public static TheoryData<string> RefusedEncodings => [.. X25519Encodings.SmallOrder];

    [Theory]
    [MemberData(nameof(RefusedEncodings))]
    public void AcceptAdvertiseKeys_SmallOrderOrNonCanonicalKey_RefusedAsInvalidPublicKey(string encoding)
    {
        using var harness = new RoundHarness(Scenario(SecAggMode.SemiHonest, seed: 94));
        AdvertisedKeys own = harness.Client(1).AdvertiseKeys();

        var asMask = Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptAdvertiseKeys(own with { MaskPublicKey = Convert.FromHexString(encoding) }));
        var asCipher = Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptAdvertiseKeys(own with { CipherPublicKey = Convert.FromHexString(encoding) }));

        Assert.Equal(SecAggViolation.InvalidPublicKey, asMask.Violation);
        Assert.Equal(SecAggViolation.InvalidPublicKey, asCipher.Violation);
        Assert.Empty(harness.Server.ReceivedClients);
    }

    [Theory]
    [MemberData(nameof(RefusedEncodings))]
    public void ShareKeys_DirectoryWithSmallOrderOrNonCanonicalMaskKey_RefusedAsInvalidPublicKey(string encoding)
    {
        using var harness = new RoundHarness(Scenario(SecAggMode.SemiHonest, seed: 95));
        IReadOnlyDictionary<int, KeyDirectory> directories = harness.AdvertiseKeys();
        AdvertisedKeys[] entries = [.. directories[1].Entries];
        entries[2] = entries[2] with { MaskPublicKey = Convert.FromHexString(encoding) };

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Client(1).ShareKeys(new KeyDirectory(entries)));

        Assert.Equal(SecAggViolation.InvalidPublicKey, ex.Violation);
        Assert.Equal(ClientStage.Aborted, harness.Client(1).Stage);
    }

    private static void AssertNotRecovered(RoundScenario scenario, CoalitionOutcome outcome) =>
        Assert.False(
            outcome.Estimate is not null && outcome.Estimate.AsSpan().SequenceEqual(scenario.Inputs[Target - 1]),
            "The coalition recovered the target's input exactly.");

    private static Dictionary<int, (KeySubstitution Kind, int Victim)> Plan(KeySubstitution kind) => new()
    {
        [6] = (kind, 1),
        [7] = (kind, 2),
        [8] = (kind, 3),
        [9] = (kind, 4),
        [10] = (KeySubstitution.CoalitionKey, 10),
    };

    private static RoundScenario Scenario(SecAggMode mode, int seed)
    {
        var random = new DeterministicRandom(seed);
        return new RoundScenario(
            Banks,
            Length,
            NeighbourGraphKind.Complete,
            mode,
            Enumerable.Repeat(RoundScenario.Never, Banks).ToArray(),
            [.. Enumerable.Range(0, Banks).Select(_ => random.NextWords(Length))],
            seed);
    }
}
