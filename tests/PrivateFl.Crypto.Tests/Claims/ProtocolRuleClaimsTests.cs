using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.SecAgg;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.Claims;

/// <summary>Rules of specs/protocol.md §2.2 and §2.5 that had no test of their own (docs/claims.md P18, P27, P28, P34, P40).</summary>
public sealed class ProtocolRuleClaimsTests
{
    /// <summary>§2.2 rule P8: 20 ≤ σ ≤ 128, 5 ≤ η ≤ 64, refused naming the rule and the parameter.</summary>
    [Property(MaxTest = 100)]
    public Property SecAggPlus_AnySecurityAndCorrectnessBits_RefusedNamingP8ExactlyOutsideTheRanges() =>
        Prop.ForAll(
            Arb.From(from sigma in Gen.Choose(0, 140) from eta in Gen.Choose(0, 70) select (sigma, eta)),
            s =>
            {
                string? refusedParameter = null;
                try
                {
                    _ = SecAggParameters.SecAggPlus(200, 4, new RoundIdentity("claims", 1, new byte[32]), securityBits: s.sigma, correctnessBits: s.eta);
                }
                catch (ArgumentOutOfRangeException ex) when (ex.Message.StartsWith("Rule P8", StringComparison.Ordinal))
                {
                    refusedParameter = ex.ParamName;
                }

                bool sigmaBad = s.sigma is < 20 or > 128;
                bool etaBad = s.eta is < 5 or > 64;
                string? expected = sigmaBad ? "securityBits" : etaBad ? "correctnessBits" : null;
                return (refusedParameter == expected).Label($"σ = {s.sigma}, η = {s.eta}: refused {refusedParameter ?? "nothing"}");
            });

    /// <summary>§2.5 stage 0: the server refuses keys "already advertised by anyone (or c = s)".</summary>
    [Fact]
    public void AcceptAdvertiseKeys_CipherKeyEqualToMaskKey_RefusedAsDuplicateAndRoundGoesOn()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        AdvertisedKeys honest = harness.Client(1).AdvertiseKeys();

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptAdvertiseKeys(honest with { MaskPublicKey = honest.CipherPublicKey }));

        Assert.Equal(SecAggViolation.DuplicatePublicKey, ex.Violation);
        harness.Server.AcceptAdvertiseKeys(honest);
    }

    /// <summary>§2.5 stage 1: the client refuses a directory that lists a neighbour twice or has fewer than t entries.</summary>
    [Theory]
    [InlineData("twice", SecAggViolation.DuplicateMessage)]
    [InlineData("fewer than t", SecAggViolation.TooFewSurvivors)]
    public void ShareKeys_DirectoryListingANeighbourTwiceOrBelowThreshold_Refused(string defect, SecAggViolation violation)
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        IReadOnlyDictionary<int, KeyDirectory> directories = harness.AdvertiseKeys();
        AdvertisedKeys[] entries = defect == "twice"
            ? [.. directories[1].Entries, directories[1].Entries[0]]
            : [.. directories[1].Entries.Take(harness.Parameters.Threshold - 1)];

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Client(1).ShareKeys(new KeyDirectory(entries)));

        Assert.Equal(violation, ex.Violation);
        Assert.Equal(ClientStage.Aborted, harness.Client(1).Stage);
    }

    /// <summary>§2.5 stage 4: survivor-list indices must lie within 1 … n.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Unmask_SurvivorIndexOutsideTheRound_RefusedAsMalformed(int outside)
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        SurvivorList survivors = harness.MaskInputs(harness.ShareKeys(harness.AdvertiseKeys()));
        int[] list = [.. survivors.Survivors.Append(outside).Order()];

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Client(1).Unmask(new SurvivorList(list)));

        Assert.Equal(SecAggViolation.MalformedMessage, ex.Violation);
    }

    /// <summary>
    /// §2.8 "the server refuses a ShareKeys message with a bad share signature (InvalidSignature)" in active mode, and its
    /// state is unchanged: the sender may still send its genuine message.
    /// </summary>
    [Fact]
    public void AcceptShareKeys_ActiveShareWithABadDealerSignature_RefusedAsInvalidSignatureAndRoundGoesOn()
    {
        using RoundHarness harness = Harness(SecAggMode.Active);
        IReadOnlyDictionary<int, KeyDirectory> directories = harness.AdvertiseKeys();
        ShareKeys genuine = harness.Client(1).ShareKeys(directories[1]);
        EncryptedShare[] shares = [.. genuine.Shares];
        byte[] signature = shares[0].Signature.ToArray();
        signature[10] ^= 0x20;
        shares[0] = shares[0] with { Signature = signature };

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptShareKeys(genuine with { Shares = shares }));

        Assert.Equal(SecAggViolation.InvalidSignature, ex.Violation);
        harness.Server.AcceptShareKeys(genuine);
    }

    private static RoundHarness Harness(SecAggMode mode)
    {
        var random = new DeterministicRandom(29);
        return new RoundHarness(new RoundScenario(5, 8, NeighbourGraphKind.Complete, mode, [.. Enumerable.Repeat(RoundScenario.Never, 5)], [.. Enumerable.Range(0, 5).Select(_ => random.NextWords(8))], 29));
    }
}
