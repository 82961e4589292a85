using PrivateFl.ClientSdk.Tests.Support;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto;
using PrivateFl.Crypto.Encoding;
using PrivateFl.Protocol.V1;

namespace PrivateFl.ClientSdk.Tests.Claims;

/// <summary>
/// specs/privacy.md §1.2: at client level each bank samples itself in secret with rate q; an unsampled bank still
/// takes part and sends a zero update plus its noise (docs/claims.md V4; the server's division by q·|U3| is
/// Server/ModelUpdateClaimsTests).
/// </summary>
public sealed class SelfSamplingClaimsTests
{
    private const double Scale = 1 << 16;

    [Fact]
    public void Compute_UnsampledBank_SendsOnlyItsNoiseWhileASampledOneSendsItsTrainedUpdate()
    {
        CreditDataset data = CreditFiles.GermanCredit;
        CreditModel model = CreditModel.Create(data.Schema, ModelSpecification.LogisticRegression);
        RoundAnnouncement sampled = Announcement(model.ParameterCount, samplingRate: 1);
        RoundAnnouncement unsampled = Announcement(model.ParameterCount, samplingRate: 1e-12);
        RoundPlan sampledPlan = Plan(sampled);
        RoundPlan unsampledPlan = Plan(unsampled);
        double clientSigma = unsampledPlan.ClientSigma;
        Assert.Equal(clientSigma, sampledPlan.ClientSigma);
        Assert.InRange(clientSigma, 4, 100);

        // q = 10^−12: the secret coin says "sit out" in every one of these calls (all but certainly).
        double[] noise = [.. Enumerable.Range(0, 40).SelectMany(i => UpdateEncoder.Compute(unsampled, unsampledPlan, data, model, i)).Select(v => (double)FixedPointQuantizer.CentredLift(v))];
        double[] trained = [.. UpdateEncoder.Compute(sampled, sampledPlan, data, model, 1).Select(v => (double)FixedPointQuantizer.CentredLift(v))];

        // Zero plus N_Z(0, σ_c²): within the 12σ_c tail bound, mean 0 and variance σ_c² (4.5 standard errors each).
        Assert.All(noise, v => Assert.True(Math.Abs(v) <= 12 * clientSigma, $"{v} is beyond 12σ_c = {12 * clientSigma:G4}"));
        double mean = noise.Average();
        double variance = noise.Sum(v => (v - mean) * (v - mean)) / (noise.Length - 1);
        Assert.True(Math.Abs(mean) <= 4.5 * clientSigma / Math.Sqrt(noise.Length), $"mean {mean:G4}");
        Assert.True(Math.Abs((variance / (clientSigma * clientSigma)) - 1) <= 4.5 * Math.Sqrt(2.0 / noise.Length), $"variance {variance:G4} against σ_c² = {clientSigma * clientSigma:G4}");

        // Control: the sampled bank's vector carries its update, far outside the noise.
        Assert.Contains(trained, v => Math.Abs(v) > 12 * clientSigma);
    }

    /// <summary>The bank's own plan of the round, derived from the announced settings as the SDK derives it.</summary>
    private static RoundPlan Plan(RoundAnnouncement announcement) =>
        RoundPlan.Create(AnnouncedPlan.Settings(announcement), announcement.Participants.Count, new Crypto.SecAgg.RoundIdentity(announcement.SessionId, announcement.RoundNumber, new byte[Crypto.SecAgg.RoundIdentity.GraphSeedSize]));

    private static RoundAnnouncement Announcement(int length, double samplingRate)
    {
        var announcement = new RoundAnnouncement
        {
            ProtocolVersion = ProtocolVersion._1,
            SessionId = "v4",
            RoundNumber = 1,
            YourIndex = 1,
            Threshold = 8,
            Degree = 9,
            VectorLength = (uint)length,
            SecAgg = new SecAggSettings { Mode = SecAggMode.SemiHonest, Graph = NeighbourGraphKind.Complete, DropoutRate = 0.1 },
            Training = new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 5, LearningRate = 0.5, BatchSize = 1000, ClipNorm = 1, QuantizationScale = Scale, ServerLearningRate = 1, SamplingRate = samplingRate },
            Privacy = new PrivacySettings { Mode = DpMode.ClientLevel, EpsilonBudget = 10, Delta = 1e-5, NoiseMultiplier = 0.001 },
            Model = new ModelVersion(),
        };
        announcement.Model.Weights.Add(new double[length]);
        announcement.Participants.Add(Enumerable.Range(1, 10).Select(i => new Participant { Index = (uint)i, ClientId = $"bank-{i:D2}" }));
        return announcement;
    }
}
