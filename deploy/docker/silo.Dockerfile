# The silo image: an Orleans silo (default command) and the schema step (`migrate` argument).
# Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile -t actors-silo:local .
# Run the migrations with the same image:
#   docker run --rm -e ConnectionStrings__Postgres=... actors-silo:local migrate

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files and the central build and package settings only, so the
# restore layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props Hosts.props ./
COPY grains/Actors.Grains.Abstractions/Actors.Grains.Abstractions.csproj grains/Actors.Grains.Abstractions/
COPY grains/Actors.Grains/Actors.Grains.csproj grains/Actors.Grains/
COPY hosting/Actors.ServiceDefaults/Actors.ServiceDefaults.csproj hosting/Actors.ServiceDefaults/
COPY silo/Actors.Silo/Actors.Silo.csproj silo/Actors.Silo/
RUN dotnet restore silo/Actors.Silo/Actors.Silo.csproj
COPY grains/ grains/
COPY hosting/ hosting/
COPY silo/ silo/
RUN dotnet publish silo/Actors.Silo/Actors.Silo.csproj -c Release --no-restore -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# HTTP (health, metrics) on every interface: appsettings.json binds loopback, which a container
# cannot be reached on. The base image's default HTTP port is cleared so Urls alone decides.
ENV Urls=http://+:8081 \
    ASPNETCORE_HTTP_PORTS= \
    Silo__ListenOnAnyAddress=true
# 8081 HTTP (health, metrics), 11111 silo-to-silo, 30000 client gateway.
EXPOSE 8081 11111 30000
# The non-root user the .NET images provide (uid 1654).
USER $APP_UID
# Liveness only: the process answers HTTP. No curl in the image, so bash speaks HTTP itself.
# Readiness (PostgreSQL, Redis, membership) is /health/ready; orchestrators probe it themselves.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8081 && printf "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >&3 && head -n 1 <&3 | grep -q " 200 "'
ENTRYPOINT ["dotnet", "Actors.Silo.dll"]
