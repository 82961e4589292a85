using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost;

/// <summary>
/// Describes the <c>/fl_predict</c> body of the served schema in the OpenAPI document, generated at run time: one
/// property per column with its type, declared range, allowed values and their aliases, and which fields are required.
/// </summary>
internal static class PredictOpenApi
{
    /// <summary>The operation transformer of <c>/fl_predict</c>: the request body of the schema this host serves.</summary>
    public static Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        IServiceProvider services = context.ApplicationServices;
        operation.RequestBody = RequestBody(
            services.GetRequiredService<PredictFields>(),
            services.GetRequiredService<IOptions<CreditPredictorOptions>>().Value.AllowUnknownCategories);
        return Task.CompletedTask;
    }

    public static OpenApiRequestBody RequestBody(PredictFields served, bool allowUnknownCategories)
    {
        OpenApiSchema schema = Applicant(served, allowUnknownCategories);
        JsonObject example = Example(served);
        return new OpenApiRequestBody
        {
            Required = true,
            Description = $"One applicant of the schema '{served.Schema.Name}' v{served.Schema.Version} (hash {served.Schema.Hash}), as a JSON object or a form. Every bad field is listed in one 400.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = schema, Example = example },
                ["application/x-www-form-urlencoded"] = new() { Schema = schema, Example = example.DeepClone() },
            },
        };
    }

    /// <summary>
    /// An applicant that passes the served schema's checks, derived from the schema itself so that it is valid for any
    /// schema: every field (optional and protected ones too, which are validated when given), a numeric column at the
    /// middle of its declared range (a whole number when both ends are), a categorical one at its first category.
    /// </summary>
    public static JsonObject Example(PredictFields served)
    {
        var example = new JsonObject();
        for (int c = 0; c < served.Schema.Columns.Count; c++)
        {
            FeatureColumn column = served.Schema.Columns[c];
            example[served.Names[c]] = column.Kind == FeatureKind.Numeric
                ? (JsonNode)Middle(column.Minimum!.Value, column.Maximum!.Value)
                : JsonValue.Create(column.Vocabulary[0]);
        }

        return example;
    }

    private static JsonValue Middle(double minimum, double maximum)
    {
        // Halved first so that the widest ranges (±double.MaxValue) do not overflow; clamped for the rounding of subnormals.
        double middle = Math.Clamp((minimum / 2) + (maximum / 2), minimum, maximum);
        const double ExactIntegers = 1L << 53;
        return double.IsInteger(minimum) && double.IsInteger(maximum) && Math.Abs(middle) < ExactIntegers
            ? JsonValue.Create((long)Math.Floor(middle))
            : JsonValue.Create(middle);
    }

    private static OpenApiSchema Applicant(PredictFields served, bool allowUnknownCategories)
    {
        FeatureSchema schema = served.Schema;
        var properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        var required = new HashSet<string>(StringComparer.Ordinal);
        for (int c = 0; c < schema.Columns.Count; c++)
        {
            FeatureColumn column = schema.Columns[c];
            string name = served.Names[c];
            properties[name] = Property(column, served.Alternatives[c], allowUnknownCategories);
            if (!column.IsProtected && (column.Kind == FeatureKind.Numeric || column.MissingAs is null))
            {
                required.Add(name);
            }
        }

        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Title = $"Applicant ({schema.Name} v{schema.Version})",
            Properties = properties,
            Required = required,
            AdditionalPropertiesAllowed = false,
        };
    }

    private static OpenApiSchema Property(FeatureColumn column, IReadOnlyList<string> alternatives, bool allowUnknownCategories)
    {
        var notes = new List<string> { $"Column `{column.Name}`." };
        if (alternatives.Count > 0)
        {
            notes.Add($"Also accepted as {string.Join(", ", alternatives.Select(a => $"`{a}`"))} (names match ignoring case).");
        }

        if (column.IsProtected)
        {
            notes.Add("Protected characteristic: optional, validated when given, never used by the model.");
        }

        if (column.Kind == FeatureKind.Numeric)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"A number in [{column.Minimum}, {column.Maximum}] (invariant culture; outside the range is refused, not clamped)."));
            if (column.Transform == NumericTransform.Log)
            {
                notes.Add("Scaled after the signed log sign(x)·ln(1 + |x|).");
            }

            return new OpenApiSchema
            {
                Type = JsonSchemaType.Number | JsonSchemaType.String,
                Minimum = column.Minimum!.Value.ToString("R", CultureInfo.InvariantCulture),
                Maximum = column.Maximum!.Value.ToString("R", CultureInfo.InvariantCulture),
                Description = string.Join(" ", notes),
            };
        }

        if (column.Aliases.Count > 0)
        {
            notes.Add($"Aliases: {string.Join(", ", column.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"`{a.Key}` → `{a.Value}`"))}.");
        }

        if (column.MissingAs is not null)
        {
            notes.Add($"Optional: absent or empty means `{column.MissingAs}` (listed in `assumptions`).");
        }

        notes.Add(allowUnknownCategories
            ? "Any other value is scored in the column's unknown bucket."
            : "Any other value is refused.");
        var allowed = new List<JsonNode>();
        allowed.AddRange(column.Vocabulary.Concat(column.Aliases.Keys.Order(StringComparer.Ordinal)).Select(v => (JsonNode)JsonValue.Create(v)));
        return new OpenApiSchema
        {
            // A category coded as a number (Job 2, EDUCATION 1) may also be sent as a JSON number.
            Type = JsonSchemaType.String | JsonSchemaType.Number,
            Enum = allowUnknownCategories ? null : allowed,
            Examples = allowUnknownCategories ? allowed : null,
            Description = string.Join(" ", notes),
        };
    }
}
