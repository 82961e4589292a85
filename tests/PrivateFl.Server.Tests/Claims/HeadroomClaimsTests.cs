using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Rpc;
using Grpc.Core;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Protocol.V1;
using PrivateFl.Server.Services;

namespace PrivateFl.Server.Tests.Claims;

/// <summary>
/// specs/privacy.md §2: "4 ≤ σ_c ≤ 2^24 … the server checks it when a session is created, for the smallest and the
/// largest round" and "n·(⌈b·C·s⌉ + 1 + ⌈12σ_c⌉) &lt; 2^31 is checked at session creation for the smallest and the
/// largest round" (docs/claims.md V10), against σ_c and the headroom computed here from the formulas.
/// </summary>
public sealed class HeadroomClaimsTests
{
    [Property(MaxTest = 300)]
    public Property Validate_AnyScaleNoiseAndClientRange_QuantizationScaleNamedExactlyWhenARoundAtEitherEndBreaksTheNoiseRangeOrHeadroom() =>
        Prop.ForAll(
            Arb.From(from minimum in Gen.Choose(3, 20)
                     from extra in Gen.Choose(0, 180)
                     from scaleBits in Gen.Choose(4, 24)
                     from clipTenths in Gen.Choose(5, 40)
                     from sigmaHundredths in Gen.Choose(1, 2000)
                     from dropout in Gen.Elements(0.0, 0.1, 0.3)
                     select (minimum, maximum: minimum + extra, scale: Math.Pow(2, scaleBits), clip: clipTenths / 10.0, sigma: sigmaHundredths / 100.0, dropout)),
            s =>
            {
                var request = new CreateSessionRequest
                {
                    SessionId = "v10",
                    SchemaName = "credit",
                    SchemaHash = new string('a', 64),
                    ModelLength = 8,
                    TotalRounds = 2,
                    MinimumClients = (uint)s.minimum,
                    MaximumClients = (uint)s.maximum,
                    SecAgg = new SecAggSettings { Mode = Protocol.V1.SecAggMode.SemiHonest, Graph = Protocol.V1.NeighbourGraphKind.Complete, DropoutRate = s.dropout },
                    Training = new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 1, LearningRate = 0.1, BatchSize = 32, ClipNorm = s.clip, QuantizationScale = s.scale, ServerLearningRate = 1, SamplingRate = 1 },
                    Privacy = new PrivacySettings { Mode = DpMode.ClientLevel, EpsilonBudget = 1e6, Delta = 1e-5, NoiseMultiplier = s.sigma },
                };
                bool expected = false;
                var reasons = new List<string>();
                foreach (int n in new[] { s.minimum, s.maximum })
                {
                    // Client level: Δ = s·C + √d; m = max(t, ⌊(1 − δ)n⌋) with the DP threshold t = t_max of the complete graph.
                    double sensitivity = (s.scale * s.clip) + Math.Sqrt(8);
                    int t = SecAggParameters.Complete(n, 8, new RoundIdentity("v10", 1, new byte[32]), Crypto.SecAgg.SecAggMode.SemiHonest, s.dropout, 0, maximizeThreshold: true).Threshold;
                    int m = Math.Max(t, (int)Math.Floor((1 - s.dropout) * n));
                    double clientSigma = s.sigma * sensitivity / Math.Sqrt(m);
                    double headroom = n * (Math.Ceiling(s.clip * s.scale) + 1 + Math.Ceiling(12 * clientSigma));
                    bool bad = clientSigma < 4 || clientSigma > (1 << 24) || headroom >= 2147483648.0;
                    expected |= bad;
                    reasons.Add($"n = {n}: m = {m}, σ_c = {clientSigma:G6}, n·B = {headroom:G6}");
                }

                string[] named = Violations(request);
                return (named.Contains("training.quantization_scale") == expected && named.All(f => f == "training.quantization_scale"))
                    .Label($"{s}: {string.Join("; ", reasons)}; named [{string.Join(", ", named)}]");
            });

    private static string[] Violations(CreateSessionRequest request)
    {
        try
        {
            SessionRequestValidator.Validate(request, 0);
            return [];
        }
        catch (RpcException ex)
        {
            return [.. ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field)];
        }
    }
}
