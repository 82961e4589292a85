using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PrivateFl.RestHost;

/// <summary>
/// The JSON bodies of <c>/scorecard</c> and <c>/model_card</c> in the OpenAPI document. The SDK writes both with a
/// <c>Utf8JsonWriter</c>, not from a type the generator could read, so their shape is declared here (the fields of
/// specs/rest-api.md); <c>ModelReportTests</c> checks a served scorecard and card against these schemas.
/// </summary>
internal static class ReportSchemas
{
    private const JsonSchemaType Number = JsonSchemaType.Number;
    private const JsonSchemaType NullableNumber = JsonSchemaType.Number | JsonSchemaType.Null;
    private const JsonSchemaType Text = JsonSchemaType.String;
    private const JsonSchemaType Integer = JsonSchemaType.Integer;

    /// <summary>Replaces the JSON body of the operation's 200 with <paramref name="schema"/>.</summary>
    public static Func<OpenApiOperation, OpenApiOperationTransformerContext, CancellationToken, Task> Json(Func<OpenApiSchema> schema) =>
        (operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue("200", out IOpenApiResponse? ok) == true
                && ok.Content?.TryGetValue("application/json", out OpenApiMediaType? json) == true)
            {
                json.Schema = schema();
            }

            return Task.CompletedTask;
        };

    /// <summary>The scorecard (<c>CreditScorecard.ToJson</c>).</summary>
    public static OpenApiSchema Scorecard() => Object(
        "The scorecard of the cached logistic-regression model.",
        ("schema", SchemaIdentity()),
        ("scaling", Object(null, ("base_score", Of(Number)), ("base_odds", Of(Number)), ("points_to_double_odds", Of(Number)), ("factor", Of(Number)), ("offset", Of(Number)))),
        ("threshold", Of(Number, "The probability of default from which an applicant is declined.")),
        ("cutoff_score", Of(NullableNumber, "The score at the threshold: at or below it is declined; null for a threshold of 0 or 1.")),
        ("base_points", Of(Number)),
        ("maximum_score", Of(Number)),
        ("reference", Of(Text)),
        ("numeric_bins", Of(Text)),
        ("excluded_columns", Array(Of(Text))),
        ("attributes", Array(Object(
            null,
            ("attribute", Of(Text)),
            ("kind", Of(Text, "`categorical` or `numeric`.")),
            ("transform", Of(Text, "`none` or `log`.")),
            ("reference_points", Of(Number)),
            ("bins", Array(Object(null, ("bin", Of(Text)), ("lower", Of(NullableNumber)), ("upper", Of(NullableNumber)), ("points", Of(Number)), ("points_at_lower", Of(Number)), ("points_at_upper", Of(Number)))))))));

    /// <summary>The model card (<c>ModelCard.ToJson</c>).</summary>
    public static OpenApiSchema ModelCard() => Object(
        "The model card of the cached model version.",
        ("session_id", Of(Text)),
        ("model_version", Of(Integer)),
        ("round_number", Of(Integer)),
        ("banks", Of(Integer, "Updates in the releasing round.")),
        ("schema", Object(null, ("name", Of(Text)), ("version", Of(Integer)), ("hash", Of(Text)), ("features", Of(Integer)), ("protected_columns", Array(Of(Text))))),
        ("model", Object("`hidden_units`, `activation`, `linear_skip` and `initialization_seed` too for a multilayer perceptron.", ("kind", Of(Text)), ("description", Of(Text)), ("parameters", Of(Integer)))),
        ("privacy", Object(
            null,
            ("mode", Of(Text, "`record-level`, `client-level` or `none`.")),
            ("epsilon", Of(NullableNumber)),
            ("delta", Of(NullableNumber)),
            ("mechanism", Of(Text)),
            ("accountant", Of(Text | JsonSchemaType.Null)),
            ("noise_multiplier", Of(NullableNumber)),
            ("clip_norm", Of(NullableNumber)),
            ("sampling_rate", Of(NullableNumber)))),
        ("test_metrics", Of(JsonSchemaType.Object | JsonSchemaType.Null, "With ModelCardOptions:TestDataset: rows, defaults, roc_auc, log_loss, accuracy, threshold; else null.")),
        ("fairness", Of(JsonSchemaType.Object | JsonSchemaType.Null, "With ModelCardOptions:TestDataset: approval rates and ROC AUC per protected group; else null.")));

    private static OpenApiSchema SchemaIdentity() => Object(null, ("name", Of(Text)), ("version", Of(Integer)), ("hash", Of(Text)));

    private static OpenApiSchema Of(JsonSchemaType type, string? description = null) => new() { Type = type, Description = description };

    private static OpenApiSchema Array(OpenApiSchema items) => new() { Type = JsonSchemaType.Array, Items = items };

    private static OpenApiSchema Object(string? description, params (string Name, OpenApiSchema Schema)[] properties) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        Properties = properties.ToDictionary(p => p.Name, p => (IOpenApiSchema)p.Schema, StringComparer.Ordinal),
        Required = properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal),
    };
}
