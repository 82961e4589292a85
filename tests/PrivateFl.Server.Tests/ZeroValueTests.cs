using Google.Rpc;
using Grpc.Core;
using PrivateFl.Protocol.V1;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Services;

namespace PrivateFl.Server.Tests;

/// <summary>The meaning of zero-valued proto fields the server reads (specs/api.md, "Zero values").</summary>
public sealed class ZeroValueTests
{
    [Fact]
    public void CreateSession_EveryFieldZero_RefusesEachRequiredFieldByName()
    {
        var ex = Assert.Throws<RpcException>(() => SessionRequestValidator.Validate(new CreateSessionRequest(), 0));

        string[] fields = [.. ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field)];
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Subset(fields.ToHashSet(), new HashSet<string>
        {
            "schema_name", "schema_hash", "model_length", "total_rounds", "minimum_clients", "sec_agg.mode", "sec_agg.graph",
            "training.rule", "training.local_epochs", "training.learning_rate", "training.batch_size", "training.clip_norm",
            "training.quantization_scale", "training.server_learning_rate", "training.sampling_rate",
        });
        Assert.DoesNotContain("session_id", fields);
        Assert.DoesNotContain("training.l2_regularisation", fields);
    }

    [Fact]
    public void CreateSession_OptionalFieldsZero_TakeTheirDocumentedDefaults()
    {
        CreateSessionRequest request = ValidRequest();
        request.SessionId = string.Empty;
        request.SecAgg.SecurityBits = 0;
        request.SecAgg.CorrectnessBits = 0;
        request.Privacy = null;

        SessionDefinition definition = SessionRequestValidator.Validate(request, 0);
        request.Privacy = new PrivacySettings();
        SessionDefinition unspecified = SessionRequestValidator.Validate(request, 0);

        Assert.Matches("^[0-9a-f]{32}$", definition.SessionId);
        Assert.Equal((40, 20), (definition.SecAgg.SecurityBits, definition.SecAgg.CorrectnessBits));
        Assert.Equal(DpModeKind.None, definition.Privacy.Mode);
        Assert.Equal(DpModeKind.None, unspecified.Privacy.Mode);
        Assert.Equal(0.0, definition.Training.L2Regularisation);
    }

    [Fact]
    public void RevealedShare_KindUnspecified_InvalidArgumentNamingShares()
    {
        var ex = Assert.Throws<ArgumentException>(() => ProtoMapper.FromProto(new[] { new RevealedShareMessage { Owner = 2 } }));

        Assert.Equal("shares", ex.ParamName);
    }

    private static CreateSessionRequest ValidRequest() => new()
    {
        SessionId = "zero",
        SchemaName = "credit",
        SchemaHash = new string('a', 64),
        ModelLength = 8,
        TotalRounds = 2,
        MinimumClients = 3,
        MaximumClients = 5,
        SecAgg = new SecAggSettings { Mode = Protocol.V1.SecAggMode.SemiHonest, Graph = Protocol.V1.NeighbourGraphKind.Complete, DropoutRate = 0.2 },
        Training = new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 1, LearningRate = 0.1, BatchSize = 32, ClipNorm = 1, QuantizationScale = 1 << 16, ServerLearningRate = 1, SamplingRate = 1 },
    };
}
