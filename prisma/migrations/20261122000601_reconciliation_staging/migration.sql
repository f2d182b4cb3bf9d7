-- AlterTable
ALTER TABLE "reconciliation_runs" ADD COLUMN     "worker_token" TEXT;

-- AlterTable
ALTER TABLE "discrepancies" ADD COLUMN     "erp_quantity" INTEGER,
ADD COLUMN     "heal_error" TEXT;

-- CreateTable
CREATE TABLE "reconciliation_erp_rows" (
    "run_id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "warehouse" TEXT NOT NULL,
    "on_hand" INTEGER NOT NULL,
    "reserved" INTEGER NOT NULL,
    "incoming" INTEGER NOT NULL,
    "available" INTEGER NOT NULL,
    "unit_cost" DECIMAL(18,4),

    CONSTRAINT "reconciliation_erp_rows_pkey" PRIMARY KEY ("run_id","sku","warehouse","connection_id")
);

-- CreateTable
CREATE TABLE "reconciliation_channel_rows" (
    "run_id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "external_location_id" TEXT NOT NULL,
    "external_variant_id" TEXT NOT NULL,
    "external_inventory_item_id" TEXT,
    "available" INTEGER,

    CONSTRAINT "reconciliation_channel_rows_pkey" PRIMARY KEY ("run_id","connection_id","external_variant_id","external_location_id")
);

-- CreateIndex
CREATE INDEX "reconciliation_channel_rows_run_id_connection_id_sku_extern_idx" ON "reconciliation_channel_rows"("run_id", "connection_id", "sku", "external_location_id");

-- CreateIndex
CREATE INDEX "reconciliation_runs_status_heartbeat_at_idx" ON "reconciliation_runs"("status", "heartbeat_at");

-- CreateIndex
CREATE INDEX "discrepancies_connection_id_run_id_idx" ON "discrepancies"("connection_id", "run_id");
