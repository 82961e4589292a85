using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Rpc;
using Grpc.Core;
using PrivateFl.Protocol.V1;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Services;

namespace PrivateFl.Server.Tests.Claims;

/// <summary>
/// specs/privacy.md §6: refused with INVALID_ARGUMENT naming the field: ε ≤ 0 or not finite, σ negative, NaN or above
/// 10^6, a sampling rate outside (0, 1], a budget no σ up to 10^6 reaches (docs/claims.md V17).
/// </summary>
public sealed class SessionValidationClaimsTests
{
    private static readonly double[] Specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0, -0.0, -1, 1, 1e6, Math.BitIncrement(1e6), Math.BitIncrement(1), 1e-300, -1e-300, double.MaxValue];

    /// <summary>For a client-level session, each of the three settings is named exactly when its value is outside the documented range.</summary>
    [Property(MaxTest = 300)]
    public Property Validate_AnyEpsilonSigmaOrSamplingRate_FieldNamedExactlyWhenOutsideItsRange() =>
        Prop.ForAll(
            Arb.From(from field in Gen.Elements("privacy.epsilon_budget", "privacy.noise_multiplier", "training.sampling_rate")
                     from special in Gen.Elements(Specials)
                     from magnitude in Gen.Choose(-6, 7)
                     from mantissa in Gen.Choose(-1000, 1000)
                     from useSpecial in Gen.Elements(true, false)
                     select (field, value: useSpecial ? special : mantissa / 100.0 * Math.Pow(10, magnitude))),
            s =>
            {
                CreateSessionRequest request = ClientLevelRequest();
                bool outside;
                switch (s.field)
                {
                    case "privacy.epsilon_budget":
                        request.Privacy.EpsilonBudget = s.value;
                        outside = !(double.IsFinite(s.value) && s.value > 0);
                        break;
                    case "privacy.noise_multiplier":
                        request.Privacy.NoiseMultiplier = s.value;
                        outside = !(s.value == 0 || (double.IsFinite(s.value) && s.value > 0 && s.value <= 1e6));
                        break;
                    default:
                        request.Training.SamplingRate = s.value;
                        outside = !(s.value > 0 && s.value <= 1);
                        break;
                }

                string[] named = Violations(request);
                return (named.Contains(s.field) == outside).Label($"{s.field} = {s.value:R}: named [{string.Join(", ", named)}]");
            });

    [Theory]
    [InlineData(1e-7)]
    public void Validate_BudgetNoSigmaUpToAMillionReaches_EpsilonBudgetNamed(double epsilon)
    {
        CreateSessionRequest request = ClientLevelRequest();
        request.Privacy.NoiseMultiplier = 0;
        request.Privacy.EpsilonBudget = epsilon;

        Assert.Contains("privacy.epsilon_budget", Violations(request));
    }

    [Fact]
    public void Validate_ReachableBudgetWithSigmaZero_CalibratedWithinTheRange()
    {
        CreateSessionRequest request = ClientLevelRequest();
        request.Privacy.NoiseMultiplier = 0;

        SessionDefinition definition = SessionRequestValidator.Validate(request, 0);

        Assert.InRange(definition.Privacy.NoiseMultiplier, double.Epsilon, 1e6);
    }

    private static string[] Violations(CreateSessionRequest request)
    {
        try
        {
            SessionRequestValidator.Validate(request, 0);
            return [];
        }
        catch (RpcException ex)
        {
            Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
            return [.. ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field)];
        }
    }

    private static CreateSessionRequest ClientLevelRequest() => new()
    {
        SessionId = "v17",
        SchemaName = "credit",
        SchemaHash = new string('a', 64),
        ModelLength = 8,
        TotalRounds = 2,
        MinimumClients = 3,
        MaximumClients = 5,
        SecAgg = new SecAggSettings { Mode = Protocol.V1.SecAggMode.SemiHonest, Graph = Protocol.V1.NeighbourGraphKind.Complete, DropoutRate = 0.2 },
        Training = new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 1, LearningRate = 0.1, BatchSize = 32, ClipNorm = 1, QuantizationScale = 1 << 12, ServerLearningRate = 1, SamplingRate = 1 },
        Privacy = new PrivacySettings { Mode = DpMode.ClientLevel, EpsilonBudget = 4, Delta = 1e-5, NoiseMultiplier = 1 },
    };
}
