using FsCheck;
using FsCheck.Xunit;
using Google.Protobuf;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.Privacy;
using PrivateFl.Protocol.V1;
using CryptoMode = PrivateFl.Crypto.SecAgg.SecAggMode;

namespace PrivateFl.ClientSdk.Tests;

/// <summary>The client re-checks what the server announces and refuses what the privacy analysis does not cover.</summary>
public sealed class AnnouncementValidatorTests
{
    [Theory]
    [InlineData((int)DpMode.ClientLevel, (int)AggregationRule.GradientSum, 1.0)]
    [InlineData((int)DpMode.RecordLevel, (int)AggregationRule.FederatedAveraging, 0.01)]
    [InlineData((int)DpMode.ClientLevel, (int)AggregationRule.FederatedAveraging, 1.5)]
    [InlineData((int)DpMode.RecordLevel, (int)AggregationRule.GradientSum, 0.0)]
    public void Validate_PrivacyModeAndRuleMismatch_Refused(int mode, int rule, double samplingRate)
    {
        using var key = SigningKey.Generate();
        RoundAnnouncement announcement = Announcement(key, (DpMode)mode, (AggregationRule)rule, samplingRate, SecAggMode.SemiHonest);

        var ex = Assert.Throws<FederationException>(() => AnnouncementValidator.Validate(announcement, "s", "bank-1", key.PublicKey, 36));

        Assert.Contains("needs", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ConsistentRecordLevelPlan_Accepted()
    {
        using var key = SigningKey.Generate();
        RoundAnnouncement announcement = Announcement(key, DpMode.RecordLevel, AggregationRule.GradientSum, 1, SecAggMode.SemiHonest);

        (var parameters, _) = AnnouncementValidator.Validate(announcement, "s", "bank-1", key.PublicKey, 36);

        Assert.Equal(3, parameters.ParticipantCount);
    }

    [Fact]
    public void Validate_SemiHonestRoundWhenActiveIsRequired_Refused()
    {
        using var key = SigningKey.Generate();
        RoundAnnouncement announcement = Announcement(key, DpMode.None, AggregationRule.FederatedAveraging, 1, SecAggMode.SemiHonest);

        var ex = Assert.Throws<FederationException>(() => AnnouncementValidator.Validate(announcement, "s", "bank-1", key.PublicKey, 36, CryptoMode.Active));

        Assert.Contains("requires the active", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CorruptedFractionBelowTheBanksFloor_Refused()
    {
        // Review finding R3: a server announcing γ = 0 lowers t so that a few colluders reach it; the bank's floor stops it.
        using var key = SigningKey.Generate();
        RoundAnnouncement announcement = Announcement(key, DpMode.None, AggregationRule.FederatedAveraging, 1, SecAggMode.Active);

        var ex = Assert.Throws<FederationException>(() => AnnouncementValidator.Validate(announcement, "s", "bank-1", key.PublicKey, 36, CryptoMode.Active, minimumCorruptedFraction: 0.3));

        Assert.Contains("MinimumCorruptedFraction", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ActiveRoundWithSparseHararyGraph_RefusedNamingTheCompleteGraph()
    {
        // A Harary degree the server could have derived before issue 9 (n = 3 admits only k = 2 = n − 1, so k = 1 here).
        using var key = SigningKey.Generate();
        RoundAnnouncement announcement = Announcement(key, DpMode.None, AggregationRule.FederatedAveraging, 1, SecAggMode.Active, NeighbourGraphKind.Harary);
        announcement.Degree = 1;

        var ex = Assert.Throws<FederationException>(() => AnnouncementValidator.Validate(announcement, "s", "bank-1", key.PublicKey, 36));

        Assert.Contains("active rounds use the complete graph", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ActiveRoundOfAStoredHararySession_RunsOnTheCompleteGraph()
    {
        using var key = SigningKey.Generate();
        RoundAnnouncement announcement = Announcement(key, DpMode.None, AggregationRule.FederatedAveraging, 1, SecAggMode.Active, NeighbourGraphKind.Harary);

        (var parameters, _) = AnnouncementValidator.Validate(announcement, "s", "bank-1", key.PublicKey, 36);

        Assert.Equal(PrivateFl.Crypto.SecAgg.NeighbourGraphKind.Complete, parameters.GraphKind);
    }

    [Fact]
    public void Validate_ActiveRoundWithDegreeBelowAllOthers_Refused()
    {
        using var key = SigningKey.Generate();
        RoundAnnouncement announcement = Announcement(key, DpMode.None, AggregationRule.FederatedAveraging, 1, SecAggMode.Active);
        announcement.Degree = 1;

        var ex = Assert.Throws<FederationException>(() => AnnouncementValidator.Validate(announcement, "s", "bank-1", key.PublicKey, 36));

        Assert.Contains("active rounds use the complete graph", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ActiveRoundWithCompleteGraph_Accepted()
    {
        using var key = SigningKey.Generate();
        RoundAnnouncement announcement = Announcement(key, DpMode.None, AggregationRule.FederatedAveraging, 1, SecAggMode.Active);

        (var parameters, _) = AnnouncementValidator.Validate(announcement, "s", "bank-1", key.PublicKey, 36, CryptoMode.Active);

        Assert.Equal(PrivateFl.Crypto.SecAgg.NeighbourGraphKind.Complete, parameters.GraphKind);
        Assert.Equal(2, parameters.Threshold);
    }

    [Theory]
    [InlineData((int)SecAggMode.Unspecified, (int)NeighbourGraphKind.Complete)]
    [InlineData((int)SecAggMode.SemiHonest, (int)NeighbourGraphKind.Unspecified)]
    public void Validate_UnspecifiedModeOrGraph_Refused(int mode, int graph)
    {
        using var key = SigningKey.Generate();
        RoundAnnouncement announcement = Announcement(key, DpMode.None, AggregationRule.FederatedAveraging, 1, (SecAggMode)mode, (NeighbourGraphKind)graph);

        var ex = Assert.Throws<FederationException>(() => AnnouncementValidator.Validate(announcement, "s", "bank-1", key.PublicKey, 36));

        Assert.Contains("must be set", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ZeroSecurityAndCorrectnessBits_TakeTheDefaults()
    {
        // Zero-valued proto fields mean σ = 40 and η = 20 (specs/protocol.md §2.3); they used to be refused as σ = 0.
        using var key = SigningKey.Generate();
        RoundAnnouncement announcement = Announcement(key, DpMode.None, AggregationRule.FederatedAveraging, 1, SecAggMode.SemiHonest, NeighbourGraphKind.Harary);

        (var parameters, _) = AnnouncementValidator.Validate(announcement, "s", "bank-1", key.PublicKey, 36);

        Assert.Equal(2, parameters.Degree);
    }

    [Fact]
    public void Validate_ClientNoiseBelowFourQuantizedUnits_RefusedNamingIt()
    {
        // Record level, C = 1, s = 1, d = 36: Δ = 1 + 2·6 = 13; m = 2 of 3; σ = 0.1 gives σ_client = 0.1·13/√2 ≈ 0.92.
        using var key = SigningKey.Generate();
        RoundAnnouncement announcement = Announcement(key, DpMode.RecordLevel, AggregationRule.GradientSum, 1, SecAggMode.SemiHonest);
        announcement.Training.QuantizationScale = 1;
        announcement.Privacy.NoiseMultiplier = 0.1;

        var ex = Assert.Throws<FederationException>(() => AnnouncementValidator.Validate(announcement, "s", "bank-1", key.PublicKey, 36));

        Assert.Contains("σ_client = 0.9192", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"requires {DistributedNoise.MinimumClientSigma}", ex.Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 100)]
    public bool Validate_AnnouncedClientSigmaDiffersFromTheBanksDerivation_Refused(PositiveInt scaleChoice, PositiveInt sigmaChoice, NormalFloat relativeDrift)
    {
        // A server that announces one σ_client and would account another, or a drift between the two sides' rules:
        // the bank derives σ_client itself and refuses any announced value that is not the same number.
        using var key = SigningKey.Generate();
        RoundAnnouncement announcement = Announcement(key, DpMode.RecordLevel, AggregationRule.GradientSum, 1, SecAggMode.SemiHonest);
        announcement.Training.QuantizationScale = 1024 + (scaleChoice.Get % 4096);
        announcement.Privacy.NoiseMultiplier = 1 + (sigmaChoice.Get % 300 / 100.0);
        WithDerivedClientSigma(announcement);
        double drift = Math.Clamp(relativeDrift.Get, -0.5, 0.5);
        if (Math.Abs(drift) < 1e-6)
        {
            drift = 1e-6;
        }

        announcement.ClientNoiseSigma *= 1 + drift;

        var ex = Assert.Throws<FederationException>(() => AnnouncementValidator.Validate(announcement, "s", "bank-1", key.PublicKey, 36));
        return ex.Message.Contains("client_noise_sigma", StringComparison.Ordinal);
    }

    [Property(MaxTest = 100)]
    public bool Validate_AnyNoise_RefusedExactlyWhenTheServersSessionRuleRefuses(PositiveInt scaleChoice, PositiveInt sigmaChoice, bool clientLevel)
    {
        // One rule on both sides: the server refuses a session whose σ_client is outside [4, MaxSigma]
        // (DistributedNoise.IsClientSigmaAllowed); the client refuses an announced round for the same reason.
        using var key = SigningKey.Generate();
        RoundAnnouncement announcement = Announcement(key, clientLevel ? DpMode.ClientLevel : DpMode.RecordLevel, clientLevel ? AggregationRule.FederatedAveraging : AggregationRule.GradientSum, 1, SecAggMode.SemiHonest);
        announcement.Training.QuantizationScale = 1 + (scaleChoice.Get % 64);
        announcement.Privacy.NoiseMultiplier = 0.01 + (sigmaChoice.Get % 300 / 100.0);
        double sensitivity = DistributedNoise.Sensitivity(1, announcement.Training.QuantizationScale, 36, recordLevel: !clientLevel);
        double clientSigma = DistributedNoise.ClientSigma(announcement.Privacy.NoiseMultiplier, sensitivity, DistributedNoise.MinimumSurvivors(3, 2, 0.3));
        WithDerivedClientSigma(announcement);

        bool refused;
        try
        {
            AnnouncementValidator.Validate(announcement, "s", "bank-1", key.PublicKey, 36);
            refused = false;
        }
        catch (FederationException)
        {
            refused = true;
        }

        return refused == !DistributedNoise.IsClientSigmaAllowed(clientSigma) && refused == clientSigma < 4;
    }

    private static RoundAnnouncement Announcement(SigningKey key, DpMode mode, AggregationRule rule, double samplingRate, SecAggMode secAggMode, NeighbourGraphKind graph = NeighbourGraphKind.Complete)
    {
        var announcement = new RoundAnnouncement
        {
            ProtocolVersion = ProtocolVersion._1,
            SessionId = "s",
            RoundNumber = 1,
            GraphSeed = ByteString.CopyFrom(new byte[32]),
            YourIndex = 1,
            SecAgg = new SecAggSettings { Mode = secAggMode, Graph = graph, DropoutRate = 0.3, CorruptedFraction = 0 },
            Threshold = 2,
            Degree = 2,
            VectorLength = 36,
            Training = new TrainingPlan { Rule = rule, SamplingRate = samplingRate, ClipNorm = 1, QuantizationScale = 1024, BatchSize = 10, LocalEpochs = 1, LearningRate = 1, ServerLearningRate = 1 },
            Privacy = new PrivacySettings { Mode = mode, EpsilonBudget = 1, Delta = 1e-5, NoiseMultiplier = 1 },
        };
        announcement.Participants.Add(new Participant { Index = 1, ClientId = "bank-1", IdentityPublicKey = ByteString.CopyFrom(key.PublicKey) });
        for (uint i = 2; i <= 3; i++)
        {
            using var other = SigningKey.Generate();
            announcement.Participants.Add(new Participant { Index = i, ClientId = $"bank-{i}", IdentityPublicKey = ByteString.CopyFrom(other.PublicKey) });
        }

        return WithDerivedClientSigma(announcement);
    }

    /// <summary>Sets client_noise_sigma as an honest server derives it (σ·Δ/√m with m = max(t, ⌊(1 − δ)n⌋)), computed here from the primitives.</summary>
    private static RoundAnnouncement WithDerivedClientSigma(RoundAnnouncement announcement)
    {
        bool dp = announcement.Privacy.Mode is DpMode.RecordLevel or DpMode.ClientLevel;
        double sensitivity = DistributedNoise.Sensitivity(announcement.Training.ClipNorm, announcement.Training.QuantizationScale, (int)announcement.VectorLength, recordLevel: announcement.Privacy.Mode == DpMode.RecordLevel);
        announcement.ClientNoiseSigma = dp ? DistributedNoise.ClientSigma(announcement.Privacy.NoiseMultiplier, sensitivity, DistributedNoise.MinimumSurvivors(announcement.Participants.Count, (int)announcement.Threshold, announcement.SecAgg.DropoutRate)) : 0;
        return announcement;
    }
}
