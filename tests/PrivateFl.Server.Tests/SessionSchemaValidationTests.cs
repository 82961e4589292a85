extern alias sdk;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Rpc;
using Grpc.Core;
using PrivateFl.Protocol.V1;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Services;
using CreditSchemas = sdk::PrivateFl.ClientSdk.CreditSchemas;

namespace PrivateFl.Server.Tests;

/// <summary>The schema a session request carries: stored in canonical form, or refused naming the field, whatever the text.</summary>
public sealed class SessionSchemaValidationTests
{
    private static readonly string TaiwanFile = CreditSchemas.TaiwanCredit.ToJson(indented: true);

    [Fact]
    public void Validate_SchemaJsonWithoutNameAndHash_StoresTheCanonicalFormWithItsNameAndHash()
    {
        SessionDefinition definition = SessionRequestValidator.Validate(Request(TaiwanFile), 0);

        Assert.Equal(("taiwan-credit", CreditSchemas.TaiwanCredit.Hash, CreditSchemas.TaiwanCredit.ToJson()), (definition.SchemaName, definition.SchemaHash, definition.SchemaJson));
    }

    [Fact]
    public void Validate_BuiltInNameAndHash_CarriesTheBuiltInSchema()
    {
        CreateSessionRequest request = Request(string.Empty);
        request.SchemaName = CreditSchemas.TaiwanCredit.Name;
        request.SchemaHash = CreditSchemas.TaiwanCredit.Hash;

        Assert.Equal(CreditSchemas.TaiwanCredit.ToJson(), SessionRequestValidator.Validate(request, 0).SchemaJson);
    }

    [Fact]
    public void Validate_SchemaJsonWithAMultilayerPerceptron_ChecksTheExactLength()
    {
        CreateSessionRequest request = Request(TaiwanFile);
        request.Model = new ModelSpec { Kind = ModelKind.MultilayerPerceptron, Activation = ActivationKind.Tanh, HiddenUnits = { 4 }, LinearSkip = true };
        int features = CreditSchemas.TaiwanCredit.EncodedLength;
        request.ModelLength = (uint)((4 * (features + 1)) + 4 + 1 + features);
        request.InitialWeights.Add(Enumerable.Repeat(0.01, (int)request.ModelLength));

        SessionRequestValidator.Validate(request, 0);
        request.ModelLength -= 4 + 1;
        request.InitialWeights.Clear();
        request.InitialWeights.Add(Enumerable.Repeat(0.01, (int)request.ModelLength));
        var ex = Assert.Throws<RpcException>(() => SessionRequestValidator.Validate(request, 0));

        Assert.Equal("model_length", Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    /// <summary>Any schema_json the reader refuses: INVALID_ARGUMENT with one violation, on schema_json, naming a JSON path; never another error.</summary>
    [Property(MaxTest = 300, Arbitrary = new[] { typeof(Garbage) })]
    public void Validate_GarbageSchemaJson_InvalidArgumentOnSchemaJsonOnly(string json)
    {
        SessionDefinition? definition = null;
        RpcException? refusal = null;
        try
        {
            definition = SessionRequestValidator.Validate(Request(json), 0);
        }
        catch (RpcException ex)
        {
            refusal = ex;
        }

        if (refusal is null)
        {
            // Accepted: the stored form is the canonical form of what was sent.
            Assert.Equal(sdk::PrivateFl.ClientSdk.FeatureSchema.FromJson(json).ToJson(), definition!.SchemaJson);
            return;
        }

        Assert.Equal(StatusCode.InvalidArgument, refusal.StatusCode);
        BadRequest.Types.FieldViolation violation = Assert.Single(refusal.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.True(violation.Field is "schema_json" or "model_length", violation.Field + ": " + violation.Description);
    }

    private static CreateSessionRequest Request(string schemaJson) => new()
    {
        SessionId = "schema",
        SchemaJson = schemaJson,
        ModelLength = (uint)(CreditSchemas.TaiwanCredit.EncodedLength + 1),
        TotalRounds = 2,
        MinimumClients = 3,
        MaximumClients = 5,
        SecAgg = new SecAggSettings { Mode = Protocol.V1.SecAggMode.SemiHonest, Graph = Protocol.V1.NeighbourGraphKind.Complete, DropoutRate = 0.2 },
        Training = new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 1, LearningRate = 0.1, BatchSize = 32, ClipNorm = 1, QuantizationScale = 1 << 16, ServerLearningRate = 1, SamplingRate = 1 },
    };

    /// <summary>Non-empty random text, and the Taiwan schema file with one character deleted, inserted or replaced.</summary>
    public static class Garbage
    {
        public static Arbitrary<string> Text() => Arb.From(Gen.OneOf(
            ArbMap.Default.GeneratorFor<string>().Where(s => !string.IsNullOrEmpty(s)),
            Gen.Choose(0, TaiwanFile.Length - 1).SelectMany(at => Gen.Elements("{", "}", "[", "]", "\"", ":", ",", "\\", "1", "-", "x", " ").SelectMany(piece => Gen.Choose(0, 2).Select(kind => kind switch
            {
                0 => TaiwanFile.Remove(at, 1),
                1 => TaiwanFile.Insert(at, piece),
                _ => TaiwanFile.Remove(at, 1).Insert(at, piece),
            })))));
    }
}
