using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost;

/// <summary>
/// The host's OpenAPI document (<c>/openapi/v1.json</c>), generated at run time for this host's configuration: the
/// title and the served schema, the tags, the API-key security scheme and which operations need it (from the same
/// <see cref="ApiKeyRequirement"/> the filter enforces), the health endpoints, and the descriptions of the bodies.
/// </summary>
internal static class RestApiDocument
{
    public const string TrainingTag = "Training";
    public const string PredictionTag = "Prediction";
    public const string ModelTag = "Model reports";
    public const string HealthTag = "Health";

    /// <summary>Adds the document, operation and schema transformers.</summary>
    public static OpenApiOptions Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer(DescribeDocumentAsync);
        options.AddOperationTransformer(DescribeOperationAsync);
        options.AddSchemaTransformer(DescribeSchema);
        return options;
    }

    private static Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        FeatureSchema schema = context.ApplicationServices.GetRequiredService<HostSchema>().Schema;
        RestHostOptions options = context.ApplicationServices.GetRequiredService<IOptions<RestHostOptions>>().Value;
        document.Info = new OpenApiInfo
        {
            Title = "PrivateFl REST host",
            Version = "v1",
            Description = $"A bank's host in the federation of session `{options.SessionId}`: it trains on files of its data folder in secure, differentially private rounds and scores applicants of the schema `{schema.Name}` v{schema.Version} (hash {schema.Hash}) locally with the cached global model. Every refusal is an RFC 9457 problem document. The interactive page is at /docs.",
        };
        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = TrainingTag, Description = "Take part in the federation's training with a data set of this bank." },
            new() { Name = PredictionTag, Description = $"Score an applicant of the schema `{schema.Name}` locally; the applicant never leaves the host." },
            new() { Name = ModelTag, Description = "What a credit officer and an auditor read about the cached model." },
            new() { Name = HealthTag, Description = "Liveness and readiness probes." },
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyRequirement.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyRequirement.Header,
            Description = string.IsNullOrEmpty(options.ApiKey)
                ? "RestHostOptions:ApiKey is not set on this host: no operation needs a key (development only)."
                : "The key of RestHostOptions:ApiKey; the operations that need it list this scheme under `security`.",
        };
        document.Paths ??= [];
        document.Paths["/healthz"] = Health(document, "Liveness: the process answers.", readiness: false);
        document.Paths["/readyz"] = Health(document, "Readiness: the aggregation server answers and a trained model is cached.", readiness: true);
        return Task.CompletedTask;
    }

    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        IServiceProvider services = context.ApplicationServices;
        IList<object> metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= [];
        if (metadata.OfType<ApiKeyRequirement>().FirstOrDefault() is { } requirement && requirement.IsRequired(services))
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyRequirement.SchemeName, context.Document)] = [] }];
            operation.Responses["401"] = new OpenApiResponse
            {
                Description = $"No or a wrong `{ApiKeyRequirement.Header}`: {requirement.Detail}",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [EndpointResponses.ProblemJson] = new()
                    {
                        Schema = context.Document?.Components?.Schemas?.ContainsKey(nameof(ProblemDetails)) == true
                            ? new OpenApiSchemaReference(nameof(ProblemDetails), context.Document)
                            : await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), cancellationToken: cancellationToken).ConfigureAwait(false),
                    },
                },
            };
        }

        foreach (IOpenApiParameter parameter in operation.Parameters ?? [])
        {
            if (parameter is OpenApiParameter concrete && ParameterDescriptions.TryGetValue((operation.OperationId ?? string.Empty, parameter.Name ?? string.Empty), out string? about))
            {
                concrete.Description = about;
            }
        }

        // The card's 500 comes only from a configured test set that cannot be used.
        if (operation.OperationId == "ModelCard" && string.IsNullOrEmpty(services.GetRequiredService<IOptions<ModelCardOptions>>().Value.TestDataset))
        {
            operation.Responses.Remove("500");
        }
    }

    private static Task DescribeSchema(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is null && Descriptions.TryGetValue(context.JsonTypeInfo.Type, out string? description))
        {
            schema.Description = description;
        }

        return Task.CompletedTask;
    }

    private static readonly Dictionary<(string Operation, string Parameter), string> ParameterDescriptions = new()
    {
        [("Train", "wait")] = "true: answer when training ends, with the report (200) or the reason it failed (502); otherwise 202 at once.",
        [("TrainingJob", "id")] = "The job id, from the 202 answer's `Location`.",
        [("Scorecard", "format")] = "`json` (default) or `csv`; wins over Accept.",
        [("ModelCard", "format")] = "`json` (default) or `markdown` (`md`); wins over Accept.",
    };

    private static readonly Dictionary<Type, string> Descriptions = new()
    {
        [typeof(TrainingJob)] = "A training job: `status` (queued, running, succeeded, failed), progress (round i of n), ε spent, the last message, and the report once it succeeded.",
        [typeof(TrainingReportView)] = "The report of a finished training: rounds, model version, the new model's ROC AUC and log loss on this bank's own data, ε and δ of the session and this bank's own ε.",
        [typeof(PredictionResponse)] = "A prediction for one applicant with the cached global model.",
        [typeof(ReasonView)] = "An attribute that lowered the score: its value and the points lost against its best attainable points.",
        [typeof(TrainRequest)] = "The data set to train on.",
    };

    private static OpenApiPathItem Health(OpenApiDocument document, string summary, bool readiness)
    {
        var responses = new OpenApiResponses();
        if (readiness)
        {
            var check = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["status"] = Status(),
                    ["description"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                },
            };
            var report = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "status", "checks" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["status"] = Status(),
                    ["checks"] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "One entry per check: `aggregation-server` and `model`.", AdditionalProperties = check },
                },
            };
            responses["200"] = Json("Ready: every check is healthy.", report);
            responses["503"] = Json("Not ready: the checks say what is missing.", report);
        }
        else
        {
            responses["200"] = new OpenApiResponse
            {
                Description = "Live.",
                Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String }, Example = JsonValue.Create("Healthy") } },
            };
        }

        return new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = readiness ? "Ready" : "Live",
                    Summary = summary,
                    Tags = new HashSet<OpenApiTagReference> { new(HealthTag, document) },
                    Responses = responses,
                },
            },
        };

        static OpenApiSchema Status() => new() { Type = JsonSchemaType.String, Enum = [JsonValue.Create("Healthy"), JsonValue.Create("Degraded"), JsonValue.Create("Unhealthy")] };

        static OpenApiResponse Json(string description, OpenApiSchema schema) => new()
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
        };
    }
}
