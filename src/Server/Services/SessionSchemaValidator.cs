using PrivateFl.ClientSdk;
using PrivateFl.Protocol.V1;
using PrivateFl.Server.Coordination;

namespace PrivateFl.Server.Services;

/// <summary>
/// Checks the schema a session request carries (<c>schema_json</c>, specs/schema.md) with the banks' own reader, so
/// that a session never stores a schema a bank could not read, and gives the name, hash and canonical JSON to store.
/// </summary>
internal static class SessionSchemaValidator
{
    /// <summary>The largest schema document accepted, in characters: a schema of thousands of columns fits.</summary>
    public const int MaxSchemaJsonLength = 1 << 20;

    /// <summary>The session's schema: from <c>schema_json</c> when given, else the built-in one the name and hash denote, else none.</summary>
    public sealed record Result(string Name, string Hash, string? CanonicalJson, FeatureSchema? Schema);

    public static Result Validate(CreateSessionRequest request, Action<bool, string, string> check)
    {
        if (request.SchemaJson.Length == 0)
        {
            // A session created from a name and hash alone, as before sessions carried their schema: it carries the
            // built-in schema when the name and hash are those of one, and otherwise only the hash banks compare.
            FeatureSchema? builtIn = CreditSchemas.Find(request.SchemaName);
            return builtIn is not null && string.Equals(builtIn.Hash, request.SchemaHash, StringComparison.Ordinal)
                ? new Result(builtIn.Name, builtIn.Hash, builtIn.ToJson(), builtIn)
                : new Result(request.SchemaName, request.SchemaHash, null, null);
        }

        if (request.SchemaJson.Length > MaxSchemaJsonLength)
        {
            check(false, "schema_json", $"is {request.SchemaJson.Length} characters; at most {MaxSchemaJsonLength} are accepted.");
            return new Result(request.SchemaName, request.SchemaHash, null, null);
        }

        FeatureSchema schema;
        try
        {
            schema = FeatureSchema.FromJson(request.SchemaJson);
        }
        catch (FormatException ex)
        {
            // The reader's message names the JSON path and the rule, and repeats only the operator's own document.
            check(false, "schema_json", ex.Message);
            return new Result(request.SchemaName, request.SchemaHash, null, null);
        }

        check(
            request.SchemaName.Length == 0 || string.Equals(request.SchemaName, schema.Name, StringComparison.Ordinal),
            "schema_name",
            $"must be empty or the name of schema_json, '{schema.Name}'; got '{request.SchemaName}'.");
        check(
            request.SchemaHash.Length == 0 || string.Equals(request.SchemaHash, schema.Hash, StringComparison.Ordinal),
            "schema_hash",
            $"must be empty or the SHA-256 of schema_json's canonical form (specs/schema.md), {schema.Hash}; got '{request.SchemaHash}'.");
        return new Result(schema.Name, schema.Hash, schema.ToJson(), schema);
    }

    /// <summary>
    /// With the schema known, d is exact: F + 1 for logistic regression, H₁(F + 1) + Σ_{l≥2} Hₗ(Hₗ₋₁ + 1) + H_L + 1
    /// (+ F with the linear path) for a multilayer perceptron, F the schema's feature count.
    /// </summary>
    public static void CheckModelLength(FeatureSchema schema, ModelSpecData model, uint modelLength, Action<bool, string, string> check)
    {
        long features = schema.EncodedLength;
        long expected;
        if (model.Kind == ModelKindData.MultilayerPerceptron)
        {
            int[] hidden = model.HiddenUnits;
            expected = (hidden[0] * (features + 1)) + hidden[^1] + 1 + (model.LinearSkip ? features : 0);
            for (int l = 1; l < hidden.Length; l++)
            {
                expected += (long)hidden[l] * (hidden[l - 1] + 1);
            }
        }
        else
        {
            expected = features + 1;
        }

        check(modelLength == expected, "model_length", $"must be {expected} for a {model.Name} over schema '{schema.Name}' ({features} features); got {modelLength}.");
    }
}
