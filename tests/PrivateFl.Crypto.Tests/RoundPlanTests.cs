using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Privacy;
using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Crypto.Tests;

/// <summary>
/// The shared round plan against a plain model of specs/privacy.md and specs/api.md written out here: the values the
/// server announces and every bank re-derives are these formulas, and nothing else.
/// </summary>
public sealed class RoundPlanTests
{
    private static readonly RoundIdentity Round = new("plan", 1, new byte[RoundIdentity.GraphSeedSize]);

    [Property(MaxTest = 300)]
    public Property Create_RandomSettings_EqualsThePlainFormulas() =>
        Prop.ForAll(Arb.From(Settings().SelectMany(s => Gen.Choose(3, 300).Select(n => (s, n)))), c =>
        {
            (RoundPlanSettings s, int n) = c;
            RoundPlan plan;
            try
            {
                plan = RoundPlan.Create(s, n, Round);
            }
            catch (ArgumentException)
            {
                return true.Classify(true, "no safe parameters");
            }

            bool dp = s.Privacy != PrivacyMode.None;
            int t = plan.Parameters.Threshold;
            double delta = (s.ClipNorm * s.QuantizationScale) + ((s.Privacy == PrivacyMode.RecordLevel ? 2 : 1) * Math.Sqrt(s.ModelLength));
            int m = Math.Max(t, (int)Math.Floor((1 - s.DropoutRate) * n));
            double sigma = dp ? s.NoiseMultiplier * delta / Math.Sqrt(m) : 0;
            double norm = s.Rule == UpdateRule.GradientSum ? s.ClipNorm * s.BatchSize : s.ClipNorm;
            SecAggParameters direct = SecAggParameters.ForRound(new SecAggPolicy(s.Mode, s.Graph, s.DropoutRate, s.CorruptedFraction, s.SecurityBits, s.CorrectnessBits, MaximizeThreshold: dp), n, s.ModelLength, Round);
            return (plan.Participants == n
                    && (plan.Parameters.Threshold, plan.Parameters.Degree, plan.Parameters.GraphKind) == (direct.Threshold, direct.Degree, direct.GraphKind)
                    && s.Sensitivity == delta
                    && plan.MinimumSurvivors == m
                    && plan.RequiredSurvivors == (dp ? m : 0)
                    && plan.ClientSigma == sigma
                    && plan.NoiseBound == (dp ? (long)Math.Ceiling(12 * sigma) : 0)
                    && plan.IsClientSigmaAccountable == (!dp || (sigma >= 4 && sigma <= DiscreteGaussian.MaxSigma))
                    && s.UpdateNorm == norm
                    && s.EffectiveSamplingRate == (dp ? s.SamplingRate : 1))
                .Label($"{s}, n = {n}: t = {t}, m = {plan.MinimumSurvivors} (model {m}), σ_client = {plan.ClientSigma:R} (model {sigma:R})")
                .Classify(dp, "differentially private");
        });

    [Fact]
    public void CreateQuantizer_PlanWithNoise_HeadroomForTheRoundsNoiseAndParticipants()
    {
        // Arrange
        RoundPlanSettings settings = Settings(PrivacyMode.ClientLevel, UpdateRule.FederatedAveraging, noiseMultiplier: 1);
        RoundPlan plan = RoundPlan.Create(settings, 10, Round);

        // Act
        FixedPointQuantizer quantizer = plan.CreateQuantizer();

        // Assert
        Assert.True(plan.NoiseBound > 0);
        Assert.Equal(plan.NoiseBound, quantizer.NoiseBound);
        Assert.Equal(10, quantizer.MaxSummands);
        Assert.Equal(settings.UpdateNorm, quantizer.ClipNorm);
    }

    [Fact]
    public void Create_NullSettings_ThrowsNamingSettings()
    {
        Assert.Throws<ArgumentNullException>("settings", () => RoundPlan.Create(null!, 10, Round));
    }

    [Fact]
    public void Create_TooFewParticipants_ThrowsArgumentException()
    {
        Assert.ThrowsAny<ArgumentException>(() => RoundPlan.Create(Settings(PrivacyMode.None, UpdateRule.FederatedAveraging, 0), 1, Round));
    }

    private static RoundPlanSettings Settings(PrivacyMode privacy, UpdateRule rule, double noiseMultiplier) => new()
    {
        ModelLength = 16,
        Mode = SecAggMode.SemiHonest,
        Graph = NeighbourGraphKind.Complete,
        DropoutRate = 0.1,
        CorruptedFraction = 0.1,
        Rule = rule,
        ClipNorm = 1,
        BatchSize = 32,
        QuantizationScale = 1 << 12,
        SamplingRate = 0.5,
        Privacy = privacy,
        NoiseMultiplier = noiseMultiplier,
    };

    private static Gen<RoundPlanSettings> Settings() =>
        from length in Gen.Choose(1, 200)
        from active in Gen.Elements(false, true)
        from harary in Gen.Elements(false, true)
        from dropout in Gen.Choose(0, 40)
        from corrupted in Gen.Choose(0, 40)
        from bits in Gen.Elements(0, 20, 40)
        from correctness in Gen.Elements(0, 10, 20)
        from privacy in Gen.Elements(PrivacyMode.None, PrivacyMode.RecordLevel, PrivacyMode.ClientLevel)
        from rule in Gen.Elements(UpdateRule.FederatedAveraging, UpdateRule.GradientSum)
        from clip in Gen.Choose(1, 500)
        from batch in Gen.Choose(1, 512)
        from scaleLog in Gen.Choose(0, 20)
        from sampling in Gen.Choose(1, 100)
        from noise in Gen.Choose(1, 500)
        select new RoundPlanSettings
        {
            ModelLength = length,
            Mode = active ? SecAggMode.Active : SecAggMode.SemiHonest,
            Graph = harary ? NeighbourGraphKind.Harary : NeighbourGraphKind.Complete,
            DropoutRate = dropout / 100.0,
            CorruptedFraction = corrupted / 100.0,
            SecurityBits = bits,
            CorrectnessBits = correctness,
            Rule = rule,
            ClipNorm = clip / 100.0,
            BatchSize = batch,
            QuantizationScale = 1 << scaleLog,
            SamplingRate = sampling / 100.0,
            Privacy = privacy,
            NoiseMultiplier = noise / 100.0,
        };
}
