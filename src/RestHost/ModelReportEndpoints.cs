using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost;

/// <summary><c>GET /scorecard</c> and <c>GET /model_card</c>: what a credit officer and an auditor read about the cached model.</summary>
internal static class ModelReportEndpoints
{
    private const string Csv = "text/csv; charset=utf-8";
    private const string Markdown = "text/markdown; charset=utf-8";
    private const string Json = "application/json; charset=utf-8";

    /// <summary>Registers the model card's options and source.</summary>
    public static IServiceCollection AddModelReports(this IServiceCollection services)
    {
        services.AddOptions<ModelCardOptions>().BindConfiguration(nameof(ModelCardOptions)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelCardOptions>, ModelCardOptionsValidator>());
        services.TryAddSingleton<ModelCardSource>();
        return services;
    }

    /// <summary>Maps the two endpoints.</summary>
    public static IEndpointRouteBuilder MapModelReports(this IEndpointRouteBuilder app)
    {
        app.MapGet("/scorecard", Scorecard)
            .WithName("Scorecard")
            .WithTags(RestApiDocument.ModelTag)
            .WithSummary("The scorecard of the cached model: points per attribute and bin, base points, odds scaling, cut-off and the reference of reason codes; JSON, or CSV by ?format=csv or Accept: text/csv.")
            .Responds<string>(StatusCodes.Status200OK, "The scorecard (fields in specs/rest-api.md, \"GET /scorecard\"): a JSON object, or RFC 4180 CSV.", "application/json", "text/csv")
            .AddOpenApiOperationTransformer(ReportSchemas.Json(ReportSchemas.Scorecard))
            .RespondsFieldProblem(StatusCodes.Status400BadRequest, "`format` is neither `json` nor `csv`.")
            .RespondsProblem(StatusCodes.Status404NotFound, "The session trains a multilayer perceptron, whose score is not a sum of points: there is no scorecard.")
            .RespondsProblem(StatusCodes.Status503ServiceUnavailable, "No trained model is cached yet.");
        app.MapGet("/model_card", ModelCardAsync)
            .WithName("ModelCard")
            .WithTags(RestApiDocument.ModelTag)
            .WithSummary("The model card of the cached model version: schema, model, banks and rounds, ε and δ with the mechanism, and the test metrics and fairness report when a test set is configured; JSON, or Markdown by ?format=markdown or Accept: text/markdown.")
            .Responds<string>(StatusCodes.Status200OK, "The model card (fields in specs/rest-api.md, \"GET /model_card\"): a JSON object, or Markdown.", "application/json", "text/markdown")
            .AddOpenApiOperationTransformer(ReportSchemas.Json(ReportSchemas.ModelCard))
            .RespondsFieldProblem(StatusCodes.Status400BadRequest, "`format` is neither `json` nor `markdown`.")
            .RespondsProblem(StatusCodes.Status500InternalServerError, "The configured test set (ModelCardOptions:TestDataset) cannot be opened or does not fit the schema.")
            .RespondsProblem(StatusCodes.Status503ServiceUnavailable, "No trained model is cached yet.")

            // With a test set the card carries figures of the bank's own customers (group counts, defaults, approvals),
            // so it then needs the API key; without one it holds only what the released model and its privacy record
            // already make public.
            .RequireApiKey(
                "The model card carries figures of this bank's test set (ModelCardOptions:TestDataset): it requires the API key in the X-Api-Key header.",
                services => !string.IsNullOrEmpty(services.GetRequiredService<IOptions<ModelCardOptions>>().Value.TestDataset));
        return app;
    }

    private static Results<ContentHttpResult, ValidationProblem, ProblemHttpResult> Scorecard(HttpContext context, ModelCache models, string? format)
    {
        if (Choose(context, format, "csv", "text/csv") is not { } csv)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["format must be 'json' or 'csv'."] });
        }

        if (models.Current is not { } current)
        {
            return NoModel(models);
        }

        if (current.Predictor.Scorecard is not { } card)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "The model has no scorecard.",
                detail: $"The session trains a {current.Predictor.Model}: its score is not a sum of points per attribute, so there is no scorecard. /fl_predict still gives scores and reason codes.");
        }

        return csv ? TypedResults.Text(card.ToCsv(), Csv) : TypedResults.Text(card.ToJson(), Json);
    }

    private static Results<ContentHttpResult, ValidationProblem, ProblemHttpResult> ModelCardAsync(HttpContext context, ModelCache models, ModelCardSource cards, string? format)
    {
        if (Choose(context, format is "md" ? "markdown" : format, "markdown", "text/markdown") is not { } markdown)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["format must be 'json' or 'markdown'."] });
        }

        if (models.Current is not { } current)
        {
            return NoModel(models);
        }

        (ModelCard? card, string? problem) = cards.Get(current);
        if (card is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "The model card's test set cannot be used.", detail: problem);
        }

        return markdown ? TypedResults.Text(card.ToMarkdown(), Markdown) : TypedResults.Text(card.ToJson(), Json);
    }

    /// <summary>True for the alternative format, false for JSON, null for a format value that is neither; ?format= wins over Accept.</summary>
    private static bool? Choose(HttpContext context, string? format, string alternative, string alternativeMediaType)
    {
        if (format is not null)
        {
            return string.Equals(format, alternative, StringComparison.OrdinalIgnoreCase) ? true
                : string.Equals(format, "json", StringComparison.OrdinalIgnoreCase) ? false
                : null;
        }

        return context.Request.GetTypedHeaders().Accept
            .Where(accept => accept.Quality is not 0)
            .OrderByDescending(accept => accept.Quality ?? 1)
            .Select(accept => accept.MediaType.Value)
            .FirstOrDefault(media => string.Equals(media, alternativeMediaType, StringComparison.OrdinalIgnoreCase) || string.Equals(media, "application/json", StringComparison.OrdinalIgnoreCase)) is { } chosen
            && string.Equals(chosen, alternativeMediaType, StringComparison.OrdinalIgnoreCase);
    }

    private static ProblemHttpResult NoModel(ModelCache models) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "No model yet.",
            detail: models.Server.Answers || models.Server == ServerState.NotAskedYet
                ? "The federation has not trained a model yet: run /fl_train first."
                : $"The host has no global model cached and the aggregation server does not answer: {models.Server.Problem}");
}
