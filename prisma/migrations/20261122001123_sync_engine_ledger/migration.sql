-- AlterTable
ALTER TABLE "movements" ADD COLUMN     "erp_connection_id" UUID,
ADD COLUMN     "external_location_id" TEXT,
ADD COLUMN     "post_error" TEXT,
ADD COLUMN     "post_requested_at" TIMESTAMP(3),
ADD COLUMN     "post_required" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "warehouse" TEXT;

-- CreateTable
CREATE TABLE "order_lines" (
    "connection_id" UUID NOT NULL,
    "order_id" TEXT NOT NULL,
    "line_id" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "listing_sku" TEXT NOT NULL,
    "external_location_id" TEXT,
    "warehouse" TEXT,
    "erp_connection_id" UUID,
    "ordered_quantity" INTEGER NOT NULL DEFAULT 0,
    "held_quantity" INTEGER NOT NULL DEFAULT 0,
    "placed" BOOLEAN NOT NULL DEFAULT false,
    "cancelled" BOOLEAN NOT NULL DEFAULT false,
    "hold_count" INTEGER NOT NULL DEFAULT 0,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "restocked_quantity" INTEGER NOT NULL DEFAULT 0,
    "applied_refs" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "last_event_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "order_lines_pkey" PRIMARY KEY ("connection_id","order_id","line_id","sku")
);

-- CreateIndex
CREATE INDEX "order_lines_sku_idx" ON "order_lines"("sku");

-- CreateIndex
CREATE INDEX "movements_source_event_id_idx" ON "movements"("source_event_id");
